// @xmpp/jid ships no type declarations; this covers the part Herald uses.
declare module '@xmpp/jid' {
  export class JID {
    constructor(local: string | undefined, domain: string, resource?: string);
    local: string;
    domain: string;
    resource: string;
    bare(): JID;
    toString(unescape?: boolean): string;
    equals(other: JID): boolean;
    getLocal(unescape?: boolean): string;
    getDomain(): string;
    getResource(): string;
  }
  export function parse(s: string): JID;
  export function jid(s: string): JID;
  export function jid(local: string | undefined, domain: string, resource?: string): JID;
  const j: typeof jid & { JID: typeof JID; parse: typeof parse };
  export default j;
}
