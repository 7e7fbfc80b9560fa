import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// A static reading of the server's sources: for each route (a `route(endpoint, handler)` call
// in http/routes/*.ts), the six-digit codes its handler can throw as `new ApiError(...)`.
// It follows what the handler names, then what each named function, class or constant names
// in turn, across runtime imports (type-only imports run nothing and are not followed), to
// the end. It is per top-level declaration, not per path through the code: a function's codes
// count for every route that calls it, whatever the arguments, so it over-approximates; the
// test names the few codes a route reaches but cannot answer.

export const SERVER_SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const ROUTES_DIR = resolve(SERVER_SRC, 'http/routes');

export interface FoundCode {
  code: string;
  /** `domain/esims/find.ts:32`, relative to packages/server/src. */
  at: string;
}

export interface StaticRoute {
  /** The contract export the route binds, e.g. `esimCancel`. */
  endpointExport: string;
  /** The route file, relative to packages/server/src. */
  file: string;
  /** Every declaration the handler reaches, as `file#name` relative to packages/server/src. */
  reached: string[];
  codes: FoundCode[];
  /** `new ApiError(x)` whose code could not be read (neither a literal nor a literal-typed name). */
  dynamic: string[];
}

interface ImportBinding {
  /** Resolved file for a relative import; the package name otherwise. */
  from: string;
  relative: boolean;
  /** The exported name, or `*` for a namespace import. */
  imported: string;
}

interface Declaration {
  node: ts.Node;
  codes: FoundCode[];
  dynamic: string[];
  /** Identifiers the declaration mentions (over-approximates what it uses). */
  names: Set<string>;
  /** Members of the runtime's services it uses (`x.services.ledger`: `ledger`). */
  services: Set<string>;
}

interface ModuleInfo {
  file: string;
  source: ts.SourceFile;
  /** Runtime imports by local name. */
  bindings: Map<string, ImportBinding>;
  declarations: Map<string, Declaration>;
  /** `export { a as b } from './x.js'`: b -> (x, a). */
  reexports: Map<string, ImportBinding>;
  /** `export * from './x.js'`. */
  starExports: string[];
}

const modules = new Map<string, ModuleInfo>();

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, resolve(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${relative(SERVER_SRC, fromFile)}: cannot resolve import ${specifier}`);
}

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** Six-digit string literals anywhere under `node` (a literal union type, an initializer). */
function codeLiterals(node: ts.Node | undefined): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) && /^\d{6}$/.test(n.text)) found.push(n.text);
    n.forEachChild(visit);
  };
  if (node) visit(node);
  return found;
}

/** Codes a name can hold: literals in the type or initializer of its parameter or variable declarations under `scope`. */
function codesOfName(scope: ts.Node, name: string): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isParameter(n) || ts.isVariableDeclaration(n)) && ts.isIdentifier(n.name) && n.name.text === name) {
      found.push(...codeLiterals(n.type), ...codeLiterals(n.initializer));
    }
    n.forEachChild(visit);
  };
  visit(scope);
  return found;
}

function analyseDeclaration(source: ts.SourceFile, node: ts.Node, apiErrorClasses: Set<string>): Declaration {
  const rel = relative(SERVER_SRC, source.fileName);
  const declaration: Declaration = { node, codes: [], dynamic: [], names: new Set(), services: new Set() };
  const record = (args: ts.NodeArray<ts.Expression> | undefined, at: ts.Node): void => {
    const first = args?.[0];
    const where = `${rel}:${lineOf(source, at)}`;
    if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) {
      declaration.codes.push({ code: first.text, at: where });
      return;
    }
    const named = first && ts.isIdentifier(first) ? codesOfName(node, first.text) : [];
    if (named.length) for (const code of named) declaration.codes.push({ code, at: where });
    else declaration.dynamic.push(where);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) declaration.names.add(n.text);
    if (ts.isPropertyAccessExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'services') declaration.services.add(n.name.text);
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && apiErrorClasses.has(n.expression.text)) record(n.arguments, n);
    // A subclass of ApiError (`class RateLimitedError extends ApiError`): its `super(code)` counts.
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const cls = ts.findAncestor(n, ts.isClassDeclaration);
      if (cls?.name && cls.name.text !== 'ApiError' && apiErrorClasses.has(cls.name.text)) record(n.arguments, n);
    }
    n.forEachChild(visit);
  };
  visit(node);
  return declaration;
}

function loadModule(file: string): ModuleInfo {
  const cached = modules.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const info: ModuleInfo = { file, source, bindings: new Map(), declarations: new Map(), reexports: new Map(), starExports: [] };
  const apiErrorClasses = new Set(['ApiError']);
  const pending: Array<[string, ts.Node]> = [];

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      if (!clause || clause.isTypeOnly) continue;
      const specifier = statement.moduleSpecifier.text;
      const isRelative = specifier.startsWith('.');
      const from = isRelative ? resolveRelative(file, specifier) : specifier;
      if (clause.name) info.bindings.set(clause.name.text, { from, relative: isRelative, imported: 'default' });
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) info.bindings.set(named.name.text, { from, relative: isRelative, imported: '*' });
      if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          if (!element.isTypeOnly) info.bindings.set(element.name.text, { from, relative: isRelative, imported: (element.propertyName ?? element.name).text });
        }
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      if (statement.isTypeOnly || !statement.moduleSpecifier.text.startsWith('.')) continue;
      const from = resolveRelative(file, statement.moduleSpecifier.text);
      const clause = statement.exportClause;
      if (!clause) info.starExports.push(from);
      else if (ts.isNamedExports(clause)) {
        for (const element of clause.elements) {
          if (!element.isTypeOnly) info.reexports.set(element.name.text, { from, relative: true, imported: (element.propertyName ?? element.name).text });
        }
      }
    } else if (ts.isFunctionDeclaration(statement) && statement.name) {
      pending.push([statement.name.text, statement]);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      const bases = statement.heritageClauses?.flatMap((h) => h.types.map((t) => t.expression.getText(source))) ?? [];
      if (bases.includes('ApiError')) apiErrorClasses.add(statement.name.text);
      pending.push([statement.name.text, statement]);
    } else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const names: string[] = [];
        const collect = (b: ts.BindingName): void => {
          if (ts.isIdentifier(b)) names.push(b.text);
          else for (const e of b.elements) if (!ts.isOmittedExpression(e)) collect(e.name);
        };
        collect(d.name);
        for (const name of names) pending.push([name, d]);
      }
    }
  }
  for (const [name, node] of pending) info.declarations.set(name, analyseDeclaration(source, node, apiErrorClasses));
  modules.set(file, info);
  return info;
}

type SymbolRef = { file: string; name: string };

/** The declarations an exported name of `file` stands for (following re-exports). */
function resolveExport(file: string, name: string, seen = new Set<string>()): SymbolRef[] {
  const key = `${file}#${name}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const info = loadModule(file);
  if (name === '*') return [...info.declarations.keys()].map((n) => ({ file, name: n }));
  if (info.declarations.has(name)) return [{ file, name }];
  const local = info.bindings.get(name);
  if (local?.relative) return resolveExport(local.from, local.imported, seen);
  const re = info.reexports.get(name);
  if (re) return resolveExport(re.from, re.imported, seen);
  return info.starExports.flatMap((from) => resolveExport(from, name, seen));
}

/** Declarations a set of names in `file` refers to: its own top-level ones and what it imports. */
function referenced(info: ModuleInfo, names: Iterable<string>, self?: string): SymbolRef[] {
  const refs: SymbolRef[] = [];
  for (const name of names) {
    if (name === self) continue;
    if (info.declarations.has(name)) refs.push({ file: info.file, name });
    const binding = info.bindings.get(name);
    if (binding?.relative) refs.push(...resolveExport(binding.from, binding.imported));
  }
  return refs;
}

const CONTEXT_FILE = resolve(SERVER_SRC, 'domain/context.ts');
let serviceTypes: Map<string, SymbolRef[]> | undefined;

/**
 * What each member of `Services` is declared with: the names in its type (`Ledger`, `OrderWrites`; a
 * `ReturnType<typeof factory>` names `factory`), resolved through context.ts's imports, which are
 * type-only there and so not among its runtime bindings.
 */
function servicesDeclarations(): Map<string, SymbolRef[]> {
  if (serviceTypes) return serviceTypes;
  const source = loadModule(CONTEXT_FILE).source;
  const imports = new Map<string, ImportBinding>();
  const services = new Map<string, SymbolRef[]>();
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text.startsWith('.')) {
      const from = resolveRelative(CONTEXT_FILE, statement.moduleSpecifier.text);
      const named = statement.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const e of named.elements) imports.set(e.name.text, { from, relative: true, imported: (e.propertyName ?? e.name).text });
    }
  }
  const servicesInterface = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Services');
  if (!servicesInterface) throw new Error('domain/context.ts: no interface Services');
  for (const member of servicesInterface.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isIdentifier(member.name)) continue;
    const refs: SymbolRef[] = [];
    const visit = (n: ts.Node): void => {
      const binding = ts.isIdentifier(n) ? imports.get(n.text) : undefined;
      if (binding) refs.push(...resolveExport(binding.from, binding.imported));
      n.forEachChild(visit);
    };
    visit(member.type);
    services.set(member.name.text, refs);
  }
  serviceTypes = services;
  return services;
}

/** Every declaration reachable from `start`, with the codes they throw. */
function reach(start: SymbolRef[]): { reached: string[]; codes: FoundCode[]; dynamic: string[] } {
  const seen = new Set<string>();
  const codes: FoundCode[] = [];
  const dynamic: string[] = [];
  const queue = [...start];
  while (queue.length) {
    const { file, name } = queue.pop()!;
    const key = `${relative(SERVER_SRC, file)}#${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const info = loadModule(file);
    const declaration = info.declarations.get(name);
    if (!declaration) continue;
    codes.push(...declaration.codes);
    dynamic.push(...declaration.dynamic);
    queue.push(...referenced(info, declaration.names, name));
    for (const member of declaration.services) queue.push(...(servicesDeclarations().get(member) ?? []));
  }
  return { reached: [...seen].sort(), codes, dynamic };
}

/** Every `route(endpoint, handler)` call in the given route files, with what its handler reaches. */
export function readRoutes(files: string[]): StaticRoute[] {
  const found: StaticRoute[] = [];
  for (const file of files) {
    const info = loadModule(file);
    const rel = relative(SERVER_SRC, file);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'route' && info.bindings.get('route')?.relative) {
        const [endpointArg, handler] = node.arguments;
        if (!endpointArg || !ts.isIdentifier(endpointArg) || !handler) throw new Error(`${rel}: route() without an endpoint name and a handler`);
        const binding = info.bindings.get(endpointArg.text);
        if (!binding || binding.from !== '@esimkit/contract') throw new Error(`${rel}: ${endpointArg.text} is not imported from @esimkit/contract`);
        const names = new Set<string>();
        const collect = (n: ts.Node): void => {
          if (ts.isIdentifier(n)) names.add(n.text);
          n.forEachChild(collect);
        };
        collect(handler);
        found.push({ endpointExport: binding.imported, file: rel, ...reach(referenced(info, names)) });
      }
      node.forEachChild(visit);
    };
    visit(info.source);
  }
  return found;
}

/** The route files: packages/server/src/http/routes/*.ts but the index. */
export function routeFiles(): string[] {
  return ts.sys
    .readDirectory(ROUTES_DIR, ['.ts'])
    .filter((f) => !f.endsWith('/index.ts'))
    .map((f) => resolve(f))
    .sort();
}
