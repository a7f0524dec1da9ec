/**
 * The environment a local MCP server starts with: PATH, HOME and the locale taken from the app's
 * own environment, then exactly what the user set for that server, and nothing else. Never the
 * app's whole environment: it may hold API keys (NextChat's issue #6757 is what inheriting looks
 * like), and a tool server has no business reading them.
 */

/** Variables passed on from the app's environment, on every platform. */
const COMMON_VARIABLES = ['PATH', 'HOME', 'LANG', 'LANGUAGE', 'TZ'];
/** Windows cannot start most programs without these; none of them is a secret. */
const WINDOWS_VARIABLES = [
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
];

/** The names of the app's variables a server may inherit, on this platform. */
export function inheritedVariableNames(
  platform: NodeJS.Platform,
  source: Record<string, string | undefined>,
): string[] {
  const names = [...COMMON_VARIABLES, ...(platform === 'win32' ? WINDOWS_VARIABLES : [])];
  // LC_ALL, LC_CTYPE, LC_MESSAGES…: the locale decides how a server reads and writes Japanese text.
  for (const name of Object.keys(source)) if (name.startsWith('LC_')) names.push(name);
  return names;
}

/**
 * The environment for one server: the inherited minimum, then the user's own variables, which win.
 * Windows matches names without regard to case, so `Path` is found as `PATH` there.
 */
export function minimalEnvironment(
  source: Record<string, string | undefined>,
  userSet: Record<string, string>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const environment: Record<string, string> = {};
  const lookup =
    platform === 'win32'
      ? new Map(Object.entries(source).map(([name, value]) => [name.toUpperCase(), value]))
      : new Map(Object.entries(source));
  for (const name of inheritedVariableNames(platform, source)) {
    const value = lookup.get(platform === 'win32' ? name.toUpperCase() : name);
    // A value starting with "()" is an exported shell function (Shellshock); it is never passed on.
    if (value !== undefined && !value.startsWith('()')) environment[name] = value;
  }
  return { ...environment, ...userSet };
}
