// The SDK's type declarations, standing alone: no import of @esimkit/contract (which is not
// published) nor of zod. tsc emits the SDK's declarations; then
// - the contract's dependency-free modules the SDK re-exports (money, errors, time, ...) get
//   their own declarations under contract/, and `@esimkit/contract/<name>` points there;
// - every type alias that names something from the contract's main entry (the endpoint
//   schemas, the webhook events) is replaced by its expanded structure, as the checker sees
//   it: `PackageListRequest = RequestOf<typeof packageList>` becomes the object type itself.
// Anything else that would still need the contract fails the build.
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const CONTRACT = '@esimkit/contract';

/** Compiler options of the repository's tsconfig.json, set for emitting declarations. */
function compilerOptions(root) {
  const file = join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(file, ts.sys.readFile).config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: false,
    allowImportingTsExtensions: false,
    customConditions: ['@esimkit/source'],
  };
}

/** `{ a: string; b?: number[] }`, down to primitives and literals; lib types (Date, ...) by name. */
function expander(checker) {
  const printName = (type) => checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType);
  const isLibType = (type) => {
    const declarations = (type.aliasSymbol ?? type.symbol)?.declarations ?? [];
    return declarations.length > 0 && declarations.every((d) => {
      const file = d.getSourceFile().fileName;
      return /\/typescript\/lib\/lib\.[^/]+\.d\.ts$/.test(file) || file.includes('/@types/node/');
    });
  };
  const key = (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

  function expand(type, depth, indent) {
    if (depth > 40) throw new Error(`type too deep to expand: ${printName(type)}`);
    const f = type.flags;
    if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.String | ts.TypeFlags.Number | ts.TypeFlags.Boolean | ts.TypeFlags.BigInt
      | ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Never | ts.TypeFlags.ESSymbol | ts.TypeFlags.NonPrimitive)) return printName(type);
    if (f & (ts.TypeFlags.StringLiteral | ts.TypeFlags.NumberLiteral | ts.TypeFlags.BooleanLiteral | ts.TypeFlags.BigIntLiteral | ts.TypeFlags.EnumLiteral)) return printName(type);
    if (f & ts.TypeFlags.TemplateLiteral) return printName(type);
    if (type.isUnion()) {
      // true | false prints as boolean.
      const parts = type.types.map((t) => expand(t, depth + 1, indent));
      const text = parts.includes('true') && parts.includes('false') ? ['boolean', ...parts.filter((p) => p !== 'true' && p !== 'false')] : parts;
      return text.map((p) => (/=>/.test(p) ? `(${p})` : p)).join(' | ');
    }
    if (type.isIntersection()) return type.types.map((t) => `(${expand(t, depth + 1, indent)})`).join(' & ');
    if (checker.isArrayType(type)) {
      const [element] = checker.getTypeArguments(type);
      const inner = expand(element, depth + 1, indent);
      const array = /^[\w$"]+$/.test(inner) ? `${inner}[]` : `Array<${inner}>`;
      return type.symbol?.name === 'ReadonlyArray' ? `readonly ${array}` : array;
    }
    if (checker.isTupleType(type)) return `[${checker.getTypeArguments(type).map((t) => expand(t, depth + 1, indent)).join(', ')}]`;
    if (isLibType(type)) return printName(type);
    if (f & ts.TypeFlags.Object) {
      if (type.getCallSignatures().length || type.getConstructSignatures().length) throw new Error(`cannot expand a function type: ${printName(type)}`);
      const inner = `${indent}  `;
      const lines = [];
      for (const info of checker.getIndexInfosOfType(type)) {
        lines.push(`${inner}${info.isReadonly ? 'readonly ' : ''}[key: ${printName(info.keyType)}]: ${expand(info.type, depth + 1, inner)};`);
      }
      for (const property of checker.getPropertiesOfType(type)) {
        const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        const readonly = declaration && ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly;
        let propertyType = checker.getTypeOfSymbol(property);
        // An optional property's type includes undefined already; keep it explicit.
        lines.push(`${inner}${readonly ? 'readonly ' : ''}${key(property.name)}${optional ? '?' : ''}: ${expand(propertyType, depth + 1, inner)};`);
      }
      return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : '{}';
    }
    throw new Error(`cannot expand ${printName(type)}`);
  }
  return (type) => expand(type, 0, '');
}

/**
 * Emits the SDK's declarations into a Map of file (relative to the SDK's src/) to text.
 * `sdkDir` is packages/sdk; `root` the repository.
 */
export function buildDeclarations(sdkDir, root) {
  const srcDir = join(sdkDir, 'src');
  const contractSrc = resolve(sdkDir, '../contract/src');
  const options = { ...compilerOptions(root), rootDir: srcDir, outDir: '/virtual-out' };
  const program = ts.createProgram([join(srcDir, 'index.ts')], options);
  const checker = program.getTypeChecker();
  const expand = expander(checker);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length) throw new Error(ts.formatDiagnosticsWithColorAndContext(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));

  const emitted = new Map();
  program.emit(undefined, (file, text) => emitted.set(relative('/virtual-out', file), text), undefined, true);

  const output = new Map();
  const contractModules = new Set();
  for (const [file, text] of emitted) {
    const sourceFile = program.getSourceFile(join(srcDir, file.replace(/\.d\.ts$/, '.ts')));
    if (!sourceFile) throw new Error(`no source for ${file}`);
    const toContract = (name) => {
      contractModules.add(name);
      const path = relative(dirname(join(srcDir, file)), join(srcDir, 'contract', `${name}.js`));
      return path.startsWith('.') ? path : `./${path}`;
    };
    const declarations = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    // Names this file imports from the contract's main entry.
    const fromContract = new Set();
    for (const statement of declarations.statements) {
      if (ts.isImportDeclaration(statement) && statement.moduleSpecifier.text === CONTRACT) {
        for (const element of statement.importClause?.namedBindings?.elements ?? []) fromContract.add(element.name.text);
      }
    }
    const mentionsContract = (node) => {
      let found = false;
      const visit = (n) => {
        if (found) return;
        if (ts.isIdentifier(n) && fromContract.has(n.text)) found = true;
        else ts.forEachChild(n, visit);
      };
      visit(node);
      return found;
    };
    const edits = [];
    for (const statement of declarations.statements) {
      const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier ? statement.moduleSpecifier.text : undefined;
      if (specifier === CONTRACT && ts.isImportDeclaration(statement)) {
        edits.push([statement.getStart(), statement.end, '']);
      } else if (specifier === CONTRACT) {
        throw new Error(`${file}: re-exports from ${CONTRACT} itself; give the types a name in the SDK (types.ts)`);
      } else if (specifier?.startsWith(`${CONTRACT}/`)) {
        const name = specifier.slice(CONTRACT.length + 1);
        edits.push([statement.moduleSpecifier.getStart(), statement.moduleSpecifier.end, JSON.stringify(toContract(name))]);
      } else if (ts.isTypeAliasDeclaration(statement) && mentionsContract(statement.type)) {
        if (statement.typeParameters?.length) throw new Error(`${file}: generic type ${statement.name.text} uses the contract; it cannot be expanded`);
        const alias = sourceFile.statements.find((s) => ts.isTypeAliasDeclaration(s) && s.name.text === statement.name.text);
        if (!alias) throw new Error(`${file}: no source for type ${statement.name.text}`);
        edits.push([statement.type.getStart(), statement.type.end, expand(checker.getTypeAtLocation(alias.name))]);
      } else if (mentionsContract(statement)) {
        throw new Error(`${file}: this declaration would need ${CONTRACT}:\n${statement.getText()}`);
      }
    }
    let result = text;
    for (const [start, end, replacement] of edits.sort((a, b) => b[0] - a[0])) result = result.slice(0, start) + replacement + result.slice(end);
    output.set(file, result);
  }

  // The contract's modules the SDK uses directly: they must import nothing but node: built-ins.
  if (contractModules.size) {
    const files = [...contractModules].map((name) => join(contractSrc, `${name}.ts`));
    const contractProgram = ts.createProgram(files, { ...options, rootDir: contractSrc });
    for (const file of files) {
      const source = contractProgram.getSourceFile(file);
      if (!source) throw new Error(`no contract module ${file}`);
      for (const statement of source.statements) {
        const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier?.text;
        if (specifier && !specifier.startsWith('node:')) throw new Error(`${relative(root, file)} imports ${specifier}: the SDK can only carry dependency-free contract modules`);
      }
    }
    contractProgram.emit(undefined, (file, text) => output.set(join('contract', relative('/virtual-out', file)), text), undefined, true);
  }
  return output;
}
