import type { ProfileSourceKind } from '@esimkit/server';
import type { Command } from 'commander';
import { withExamples } from '../help.js';
import { fail, printJson, printTable } from '../output.js';
import { URL_OPTION, withOperatorTarget, type RemoteOption } from '../operator-target.js';

const SOURCES = ['es2plus', 'inventory', 'simulator', 'none'] as const;

/**
 * Where each package's profiles come from (docs/production.md): `catalog source` names it,
 * `catalog sources` lists them. Joins the `catalog` command (commands/operator.ts): register
 * this after the operator commands.
 */
export function registerCatalogSourceCommands(program: Command): void {
  const catalog = program.commands.find((c) => c.name() === 'catalog') ?? program.command('catalog').description('manage the package catalogue');
  withExamples(
    catalog.command('source <packageCode>'),
    'esimkit catalog source JP_1_7 --source es2plus --profile-type jp-data   # from the SM-DP+ at ES2_SMDP_URL',
    'esimkit catalog source JP_1_7 --source inventory                        # from imported profiles',
    'esimkit catalog source JP_1_7 --source none                             # back to the default',
    'esimkit catalog source JP_1_7 --source inventory --url https://esim.example.com   # with ESIMKIT_OPERATOR_TOKEN set',
  )
    .description('name where a package\'s profiles come from: es2plus (a real SM-DP+, with --profile-type), inventory, simulator (sandbox only) or none')
    .requiredOption('--source <source>', SOURCES.join(' | '))
    .option('--profile-type <type>', 'the SM-DP+\'s profileType for downloadOrder (with --source es2plus)')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (packageCode: string, options: RemoteOption & { source: string; profileType?: string; json?: boolean }) => {
      if (!(SOURCES as readonly string[]).includes(options.source)) fail(`--source must be one of ${SOURCES.join(', ')}, not ${options.source}`);
      const source = options.source === 'none' ? null : (options.source as ProfileSourceKind);
      const result = await withOperatorTarget(options, (target) => target.setProfileSource({ packageCode, source, profileType: options.profileType }), { seed: false }).catch((error: Error) =>
        fail(error.message),
      );
      if (options.json) printJson(result);
      else process.stdout.write(`${result.packageCode}: ${describe(result.source, result.profileType)}.\n`);
    });
  withExamples(
    catalog.command('sources'),
    'esimkit catalog sources',
    'esimkit catalog sources --missing   # what production cannot sell',
    'esimkit catalog sources --missing --url https://esim.example.com   # with ESIMKIT_OPERATOR_TOKEN set',
  )
    .description('every base plan and where its profiles come from')
    .option('--missing', 'only the packages production cannot sell (no source, or the simulator)')
    .option(...URL_OPTION)
    .option('--json', 'print JSON')
    .action(async (options: RemoteOption & { missing?: boolean; json?: boolean }) => {
      const rows = await withOperatorTarget(options, async (target) => {
        const all = await target.listProfileSources();
        if (!options.missing) return all;
        const missing = new Set(await target.packagesWithoutSource());
        return all.filter((r) => missing.has(r.packageCode));
      });
      if (options.json) printJson(rows);
      else printTable(rows.map((r) => ({ package: r.packageCode, source: r.source ?? '(none)', profileType: r.profileType ?? '' })));
    });
}

function describe(source: ProfileSourceKind | null, profileType: string | null): string {
  if (source === 'es2plus') return `profiles from the SM-DP+ over ES2+, profileType ${profileType}`;
  if (source === null) return 'no profile source (sandbox: inventory if any, else the simulator; production: cannot be ordered)';
  return `profiles from the ${source}`;
}
