// How the client types a call to an endpoint object (`client.call(endpoint, input)`), without
// importing the contract or zod: a zod 4 schema carries its input and output types under
// `_zod`, so the contract's endpoints match these interfaces as they are. The published
// types of the SDK stand alone.

/** A schema that carries the type it accepts (`In`) and the type it produces (`Out`). */
export interface TypedSchema<In = unknown, Out = unknown> {
  readonly _zod: { readonly input: In; readonly output: Out };
}

/** An endpoint described as data: its name, its path, and its request and response schemas. */
export interface Endpoint<Req extends TypedSchema = TypedSchema, Res extends TypedSchema = TypedSchema> {
  readonly name: string;
  readonly path: string;
  readonly request: Req;
  readonly response: Res;
}

/** What an endpoint accepts (before defaults apply). */
export type RequestOf<E> = E extends { readonly request: TypedSchema<infer In, unknown> } ? In : never;
/** What an endpoint answers (`obj` of a successful envelope). */
export type ResponseOf<E> = E extends { readonly response: TypedSchema<unknown, infer Out> } ? Out : never;
