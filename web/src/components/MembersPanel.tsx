import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { BanView, MemberView, Powers } from '../api/types';
import { humanMessage } from '../lib/errors';
import { toastStore } from '../lib/toasts';
import { t } from '../i18n';

interface Props {
  code: string;
  /** What the viewer may do, as the box says. */
  can: Powers;
  /** Changes when people come and go, so the list follows. */
  presenceKey: string;
}

const roleNames = { host: 'role.host', cohost: 'role.cohost', guest: 'role.guest' } as const;

/** Who is in the room, with role badges; for the host and co-hosts, the
 * actions the box says they may take on each (kick and ban those below
 * them; the host also makes co-hosts). */
export function MembersPanel({ code, can, presenceKey }: Props) {
  const [members, setMembers] = useState<MemberView[]>([]);
  const [bans, setBans] = useState<BanView[]>([]);
  // Kick and ban ask once more, on the row itself.
  const [confirm, setConfirm] = useState<{ member: string; action: 'kick' | 'ban' } | null>(null);
  const moderates = can.moderate;
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

  return (
    <section className="panel" aria-labelledby="members-heading">
      <div className="panel-head">
        <h2 id="members-heading">{t('members.heading')}</h2>
        <span className="muted">{members.length}</span>
      </div>
      <ul className="scroll members-list">
        {members.map((m) => {
          const below = m.you_may_remove;
          return (
            <li key={m.member_id} className="member-row" data-testid="member-row">
              <span className="member-name">
                <span className={`online-dot${m.online ? ' is-online' : ''}`} aria-hidden="true" />
                {m.display_name}
                {m.online && <span className="visually-hidden"> {t('members.hereNow')}</span>}
                {m.role !== 'guest' && <span className="badge role-badge">{t(roleNames[m.role])}</span>}
              </span>
              {m.you_may_change_role && (
                <button
                  type="button"
                  className="button button-quiet button-small"
                  onClick={() =>
                    void act(
                      () => api.setRole(code, m.member_id, m.role === 'cohost' ? 'guest' : 'cohost'),
                      t(m.role === 'cohost' ? 'members.nowGuest' : 'members.nowCohost', { name: m.display_name }),
                    )
                  }
                >
                  {t(m.role === 'cohost' ? 'members.makeGuest' : 'members.makeCohost')}
                </button>
              )}
              {below && confirm?.member === m.member_id && (
                <span className="confirm" role="group" aria-labelledby={`confirm-${m.member_id}`}>
                  <span id={`confirm-${m.member_id}`}>
                    {t(confirm.action === 'ban' ? 'members.banConfirm' : 'members.kickConfirm', { name: m.display_name })}
                  </span>
                  <button
                    type="button"
                    className="button button-danger button-small"
                    onClick={() => {
                      const action = confirm.action;
                      setConfirm(null);
                      void act(
                        () => (action === 'ban' ? api.ban(code, m.member_id) : api.kick(code, m.member_id)),
                        t(action === 'ban' ? 'members.banned' : 'members.kicked', { name: m.display_name }),
                      );
                    }}
                  >
                    {t(confirm.action === 'ban' ? 'members.yesBan' : 'members.yesKick')}
                  </button>
                  <button type="button" className="button button-quiet button-small" onClick={() => setConfirm(null)}>
                    {t('cancel')}
                  </button>
                </span>
              )}
              {below && confirm?.member !== m.member_id && (
                // Kick beside the name, Ban apart at the row's end.
                <span className="member-actions">
                  <button
                    type="button"
                    className="button button-quiet button-small"
                    aria-label={t('members.kickLabel', { name: m.display_name })}
                    onClick={() => setConfirm({ member: m.member_id, action: 'kick' })}
                  >
                    {t('members.kick')}
                  </button>
                  <button
                    type="button"
                    className="button button-danger button-small member-ban"
                    aria-label={t('members.banLabel', { name: m.display_name })}
                    onClick={() => setConfirm({ member: m.member_id, action: 'ban' })}
                  >
                    {t('members.ban')}
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {moderates && bans.length > 0 && (
        <>
          <h3 className="label">{t('members.bannedHeading')}</h3>
          <ul className="scroll members-list" aria-label={t('members.bannedHeading')}>
            {bans.map((b) => (
              <li key={b.ban_id} className="member-row" data-testid="ban-row">
                <span className="member-name">
                  {b.display_name}
                  {b.reason && <span className="muted"> · {b.reason}</span>}
                </span>
                <button
                  type="button"
                  className="button button-quiet button-small"
                  aria-label={t('members.liftLabel', { name: b.display_name })}
                  onClick={() => void act(() => api.liftBan(code, b.ban_id), t('members.lifted', { name: b.display_name }))}
                >
                  {t('members.lift')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
