/** esimkit's version: /healthz, the start line and `esimkit --version`. */
export const VERSION = '0.1.0';
