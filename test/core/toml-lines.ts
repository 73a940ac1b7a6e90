/**
 * The keys config/default.toml shows, line by line: set (`key = value`) or commented out
 * (`# key = value`), under which table, and whether a comment explains them. A comment explains
 * a key when it ends the key's line, or when it is the prose just above the key's group (keys on
 * consecutive lines) and the key is the group's first, names the same thing (`include_sender` /
 * `include_body`: the same first word) or is named in it. A key slipped under another's comment
 * is thus not taken as documented. A commented-out `# [[apns.pools]]` starts an example table,
 * named `apns.pools[]`.
 */
export interface TomlKeyLine {
  /** `apns`, `simulators.fcm`, or `apns.pools[]` in an example table. */
  table: string;
  key: string;
  commentedOut: boolean;
  documented: boolean;
  line: number;
}

const TABLE = /^\[([a-z0-9_.]+)\]\s*$/;
const EXAMPLE_TABLE = /^#\s*\[\[([a-z_.]+)\]\]\s*$/;
const KEY = /^([a-z_]+)\s*=\s*(.*)$/;
const COMMENTED_KEY = /^#\s*([a-z_]+)\s*=\s*(\S.*)$/;

export function tomlKeyLines(text: string): TomlKeyLine[] {
  const lines = text.split('\n');
  const found: TomlKeyLine[] = [];
  let table = '';
  /** The prose comment above the current group of key lines ('' when none), and the group's first key. */
  let comment = '';
  let prose: string[] = [];
  let first: string | undefined;
  lines.forEach((raw, index) => {
    const text = raw.trim();
    const tableName = TABLE.exec(text)?.[1];
    const exampleTable = EXAMPLE_TABLE.exec(text)?.[1];
    const key = KEY.exec(text) ?? COMMENTED_KEY.exec(text);
    if (tableName !== undefined || exampleTable !== undefined) {
      table = tableName ?? `${exampleTable}[]`;
      comment = '';
      prose = [];
      first = undefined;
    } else if (key) {
      const name = key[1]!;
      if (first === undefined) {
        first = name;
        comment = prose.join('\n');
      }
      const trailing = /\s#\s/.test(key[2]!.replace(/"[^"]*"/g, '""'));
      const sameThing = name === first || name.split('_')[0] === first.split('_')[0] || new RegExp(`\\b${name}\\b`).test(comment);
      found.push({ table, key: name, commentedOut: text.startsWith('#'), documented: trailing || (comment !== '' && sameThing), line: index + 1 });
    } else {
      if (first !== undefined) prose = [];
      first = undefined;
      if (text.startsWith('#')) prose.push(text);
      else prose = [];
    }
  });
  return found;
}
