import type { Compilable, CompiledQuery, QueryResult } from 'kysely';
import type { Executor } from './transaction.js';

/** Stands, while a statement is built, for a value given each time it runs. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A statement built and compiled once (one per runtime, in Services) and run with new values
 * each time. Kysely builds and compiles every query anew, and on the order path under load
 * that cost more than SQLite took to run the statement (docs/benchmarks.md).
 *
 * `build` writes the query as usual with `values.x` wherever a value goes; each is a stand-in,
 * replaced by the value of that name when the statement runs. `values` itself is no row: name
 * each column (`.values({ a: values.a })`, never `.values(values)`). Every value must be given (null,
 * not undefined: kysely leaves out an undefined column when it builds, which a compiled
 * statement cannot do).
 */
export class PreparedStatement<Values extends Record<string, unknown>, Row = unknown> {
  private readonly compiled: CompiledQuery<Row>;

  constructor(build: (values: Values) => Compilable<Row>) {
    const standIns = new Proxy({}, { get: (_, name) => new Slot(String(name)) }) as Values;
    this.compiled = build(standIns).compile();
    if (!this.compiled.parameters.some((parameter) => parameter instanceof Slot)) throw new Error(`prepared statement without values: ${this.compiled.sql}`);
  }

  /** For each of the statement's parameters in order, the name of the value it stands for (undefined: a constant). */
  get parameterNames(): (string | undefined)[] {
    return this.compiled.parameters.map((parameter) => (parameter instanceof Slot ? parameter.name : undefined));
  }

  /**
   * Runs with every parameter given in the statement's order (parameterNames), constants
   * included: for a caller that maps its values to positions once (db/insert-rows.ts) instead
   * of by name on every run.
   */
  runParameters(executor: Executor, parameters: readonly unknown[]): Promise<QueryResult<Row>> {
    if (parameters.length !== this.compiled.parameters.length) throw new Error(`prepared statement: ${parameters.length} parameters for ${this.compiled.parameters.length}`);
    return executor.executeQuery({ ...this.compiled, parameters });
  }

  run(executor: Executor, values: Values): Promise<QueryResult<Row>> {
    const parameters = this.compiled.parameters.map((parameter) => {
      if (!(parameter instanceof Slot)) return parameter;
      const value = values[parameter.name];
      if (value === undefined) throw new Error(`prepared statement: no value for ${parameter.name}`);
      return value;
    });
    return executor.executeQuery({ ...this.compiled, parameters });
  }
}
