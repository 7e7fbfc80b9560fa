import type { ComponentChildren } from 'preact';
import type { Session } from '../domain/console-users/sessions.js';
import { assetUrl } from './assets.js';
import { CsrfContext, CsrfField } from './components.js';
import { currentEntry, NAV, type NavEntry } from './nav.js';

// The page around every console view: a header (who is signed in, for which merchant or as
// an operator), the navigation (a sidebar on a desktop, a menu that opens on a phone), the
// main area with its message area (#flash, where htmx puts errors) and the sign-out forms.
// Semantic HTML, a skip link, visible focus, real links: it all works without JavaScript.

export interface LayoutProps {
  title: string;
  session: Session | undefined;
  csrf: string;
  /** The request's path, to mark the current navigation entry. */
  path: string;
  sandbox: boolean;
  children: ComponentChildren;
}

// htmx: swap error answers too (the console renders them as pages), no inline styles (CSP).
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  // Private pages stay out of localStorage; back/forward asks the server again.
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  responseHandling: [
    { code: '204', swap: false },
    { code: '...', swap: true },
  ],
});

export function Layout(props: LayoutProps) {
  const { session } = props;
  const entries = session ? NAV.filter((e) => e.for === (session.operator ? 'operator' : 'merchant') && (!e.sandbox || props.sandbox)) : [];
  const current = currentEntry(entries, props.path);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · esimkit console`}</title>
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="stylesheet" href={assetUrl('uplot.min.css')} />
        <link rel="stylesheet" href={assetUrl('console.css')} />
        <script src={assetUrl('htmx.min.js')} defer />
        <script src={assetUrl('uplot.min.js')} defer />
        <script src={assetUrl('charts.js')} defer />
      </head>
      <body hx-boost="true">
        {/* On this wrapper, not <body>: a boosted navigation replaces what is inside <body>
            but keeps its attributes, and the token changes at sign-in. */}
        <div class="page" hx-headers={JSON.stringify({ 'X-CSRF-Token': props.csrf })}>
        <CsrfContext.Provider value={props.csrf}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="topbar">
            <a class="brand" href="/console">
              esimkit <span class="brand-sub">console</span>
            </a>
            {session && <Who session={session} sandbox={props.sandbox} />}
            {entries.length > 0 && (
              <details class="menu">
                <summary>Menu</summary>
                <Nav entries={entries} current={current} label="Console (menu)" />
                <SignOut />
              </details>
            )}
          </header>
          <div class={entries.length > 0 ? 'frame' : 'frame frame-single'}>
            {entries.length > 0 && (
              <aside class="sidebar">
                <Nav entries={entries} current={current} label="Console" />
                <SignOut />
              </aside>
            )}
            <main id="main" tabindex={-1}>
              <h1>{props.title}</h1>
              <div id="flash" aria-live="polite" />
              {props.children}
            </main>
          </div>
        </CsrfContext.Provider>
        </div>
      </body>
    </html>
  );
}

function Who({ session, sandbox }: { session: Session; sandbox: boolean }) {
  return (
    <p class="who">
      {session.operator ? <span class="badge badge-operator">Operator</span> : <span class="merchant-name">{session.merchant?.name}</span>}
      {sandbox && <span class="badge badge-sandbox">Sandbox</span>}
      <span class="email">{session.email}</span>
    </p>
  );
}

function Nav({ entries, current, label }: { entries: NavEntry[]; current: NavEntry | undefined; label: string }) {
  return (
    <nav aria-label={label}>
      <ul>
        {entries.map((e) => (
          <li>
            <a href={e.href} aria-current={e === current ? 'page' : undefined}>
              {e.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function SignOut() {
  return (
    <div class="sign-out">
      <form method="post" action="/console/logout">
        <CsrfField />
        <button type="submit" class="button-link">
          Log out
        </button>
      </form>
      <form method="post" action="/console/logout-everywhere">
        <CsrfField />
        <button type="submit" class="button-link">
          Log out everywhere
        </button>
      </form>
    </div>
  );
}
