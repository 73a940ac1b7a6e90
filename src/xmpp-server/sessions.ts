/**
 * The user's live sessions as the host reports them (not persisted: sessions do not survive a
 * restart). Per bare JID: each resource and whether it is `available` or `hibernated`
 * (XEP-0198 §5: the stream is gone but may be resumed; stanzas to it are not seen by the user).
 * A message to a user with no available session (none, or only hibernated ones) is pushed.
 */
import { parseJid } from '../xmpp/jid.js';

export type SessionState = 'available' | 'hibernated';

interface UserSessions {
  resources: Map<string, SessionState>;
  /** How many of `resources` are available; kept so the push check is O(1). */
  available: number;
  /** Resource → epoch ms of its last activity the host reported (Push 2.0 `<grace/>`); made on the first report. */
  activity?: Map<string, number>;
}

export class SessionTable {
  private readonly users = new Map<string, UserSessions>();

  /** Marks a session available; true when the user had no available session before. */
  setAvailable(fullJid: string): boolean {
    const { user, resource } = split(fullJid);
    const sessions = this.sessionsOf(user, true)!;
    const hadAvailable = sessions.available > 0;
    this.setState(sessions, resource, 'available');
    return !hadAvailable;
  }

  /** Marks a session hibernated (XEP-0198 stream-management: detached, resumable). */
  setHibernated(fullJid: string): void {
    const { user, resource } = split(fullJid);
    this.setState(this.sessionsOf(user, true)!, resource, 'hibernated');
  }

  /** Forgets a session (closed, or its resumption timed out). */
  remove(fullJid: string): void {
    const { user, resource } = split(fullJid);
    const sessions = this.sessionsOf(user, false);
    if (!sessions) return;
    if (sessions.resources.get(resource) === 'available') sessions.available--;
    sessions.resources.delete(resource);
    sessions.activity?.delete(resource);
    if (sessions.resources.size === 0) this.users.delete(user);
  }

  /**
   * The session sent something a person does (a message with a body, a chat state: what
   * mod_push2 counts). Only for a session the table knows: a closed one leaves no trace.
   */
  setActive(fullJid: string, now: number): void {
    const { user, resource } = split(fullJid);
    const sessions = this.sessionsOf(user, false);
    if (!sessions?.resources.has(resource)) return;
    (sessions.activity ??= new Map()).set(resource, now);
  }

  /** Epoch ms of the latest activity of `user`'s sessions other than `resource`; undefined when none was reported. */
  lastActivityElsewhere(user: string, resource: string): number | undefined {
    let latest: number | undefined;
    for (const [other, at] of this.users.get(user)?.activity ?? []) {
      if (other !== resource && (latest === undefined || at > latest)) latest = at;
    }
    return latest;
  }

  /** The state of one session (`user` bare, `resource` as bound); undefined when the session is unknown (closed, or never reported). */
  stateOfSession(user: string, resource: string): SessionState | undefined {
    return this.users.get(user)?.resources.get(resource);
  }

  /** O(1): whether any session of the bare JID `user` is available. */
  hasAvailableSession(user: string): boolean {
    return (this.users.get(user)?.available ?? 0) > 0;
  }

  /** Where the bare JID `user` stands: an available session, only hibernated ones, or none. */
  stateOf(user: string): 'online' | 'hibernated' | 'offline' {
    const sessions = this.users.get(user);
    if (!sessions) return 'offline';
    return sessions.available > 0 ? 'online' : 'hibernated';
  }

  /** Resource → state for the bare JID `user` (a copy). */
  sessionsFor(user: string): Map<string, SessionState> {
    return new Map(this.users.get(user)?.resources);
  }

  /** Users with at least one session. */
  get size(): number {
    return this.users.size;
  }

  private sessionsOf(user: string, create: boolean): UserSessions | undefined {
    let sessions = this.users.get(user);
    if (!sessions && create) {
      sessions = { resources: new Map(), available: 0 };
      this.users.set(user, sessions);
    }
    return sessions;
  }

  private setState(sessions: UserSessions, resource: string, state: SessionState): void {
    const before = sessions.resources.get(resource);
    if (before === 'available') sessions.available--;
    if (state === 'available') sessions.available++;
    sessions.resources.set(resource, state);
  }
}

/** Normalised bare JID and resource ('' when the JID has none). Throws jid-malformed. */
function split(fullJid: string): { user: string; resource: string } {
  const jid = parseJid(fullJid);
  return { user: jid.bare().toString(), resource: jid.resource ?? '' };
}
