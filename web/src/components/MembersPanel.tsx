import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { BanView, MemberView, Role } from '../api/types';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';

interface Props {
  code: string;
  /** The viewer's role: what they may do to whom. */
  myRole: Role;
  myMemberId: string | null;
  /** Changes when people come and go, so the list follows. */
  presenceKey: string;
}

const roleNames: Record<Role, string> = { host: 'Host', cohost: 'Co-host', guest: 'Guest' };
const rank: Record<Role, number> = { guest: 0, cohost: 1, host: 2 };

/** Who is in the room, with role badges; for the host and co-hosts, the
 * actions their role allows (kick and ban those below them; the host also
 * makes co-hosts). */
export function MembersPanel({ code, myRole, myMemberId, presenceKey }: Props) {
  const [members, setMembers] = useState<MemberView[]>([]);
  const [bans, setBans] = useState<BanView[]>([]);
  // A ban is for good: it asks once more, on the row itself.
  const [confirmBan, setConfirmBan] = useState<string | null>(null);
  const moderates = rank[myRole] >= rank.cohost;
  const load = useCallback(() => {
    api
      .members(code)
      .then(setMembers)
      .catch(() => undefined);
    if (moderates) {
      api
        .bans(code)
        .then(setBans)
        .catch(() => undefined);
    }
  }, [code, moderates]);
  useEffect(() => {
    const timer = setTimeout(load, 0);
    return () => clearTimeout(timer);
  }, [load, presenceKey]);

  const act = async (action: () => Promise<void>, done: string) => {
    try {
      await action();
      toastStore.show(done);
    } catch (error) {
      toastStore.show(humanMessage(error), 'error');
    }
    load();
  };
  const moderator = rank[myRole] >= rank.cohost;

  return (
    <section className="panel" aria-labelledby="members-heading">
      <div className="panel-head">
        <h2 id="members-heading">People</h2>
        <span className="muted">{members.length}</span>
      </div>
      <ul className="scroll members-list">
        {members.map((m) => {
          const below = rank[m.role] < rank[myRole] && m.member_id !== myMemberId;
          return (
            <li key={m.member_id} className="member-row" data-testid="member-row">
              <span className="member-name">
                <span className={`online-dot${m.online ? ' is-online' : ''}`} aria-hidden="true" />
                {m.display_name}
                {m.online && <span className="visually-hidden"> (here now)</span>}
                {m.role !== 'guest' && <span className="badge role-badge">{roleNames[m.role]}</span>}
              </span>
              {myRole === 'host' && m.role !== 'host' && (
                <button
                  type="button"
                  className="button button-quiet button-small"
                  onClick={() =>
                    void act(
                      () => api.setRole(code, m.member_id, m.role === 'cohost' ? 'guest' : 'cohost'),
                      m.role === 'cohost' ? `${m.display_name} is a guest again.` : `${m.display_name} is a co-host now.`,
                    )
                  }
                >
                  {m.role === 'cohost' ? 'Make guest' : 'Make co-host'}
                </button>
              )}
              {moderator && below && (
                <>
                  <button
                    type="button"
                    className="button button-quiet button-small"
                    aria-label={`Kick ${m.display_name}`}
                    onClick={() => void act(() => api.kick(code, m.member_id), `${m.display_name} is out of the party.`)}
                  >
                    Kick
                  </button>
                  {confirmBan === m.member_id ? (
                    <span className="confirm" role="group" aria-label={`Ban ${m.display_name}?`}>
                      <span>Ban {m.display_name} for good?</span>
                      <button
                        type="button"
                        className="button button-danger button-small"
                        onClick={() => {
                          setConfirmBan(null);
                          void act(() => api.ban(code, m.member_id), `${m.display_name} is banned from the party.`);
                        }}
                      >
                        Yes, ban
                      </button>
                      <button type="button" className="button button-quiet button-small" onClick={() => setConfirmBan(null)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button button-danger button-small"
                      aria-label={`Ban ${m.display_name}`}
                      onClick={() => setConfirmBan(m.member_id)}
                    >
                      Ban
                    </button>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ul>
      {moderator && bans.length > 0 && (
        <>
          <h3 className="label">Banned</h3>
          <ul className="scroll members-list" aria-label="Banned">
            {bans.map((b) => (
              <li key={b.ban_id} className="member-row" data-testid="ban-row">
                <span className="member-name">
                  {b.display_name}
                  {b.reason && <span className="muted"> · {b.reason}</span>}
                </span>
                <button
                  type="button"
                  className="button button-quiet button-small"
                  aria-label={`Lift the ban on ${b.display_name}`}
                  onClick={() => void act(() => api.liftBan(code, b.ban_id), `${b.display_name} may join again.`)}
                >
                  Lift ban
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
