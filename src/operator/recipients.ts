import type { App } from '../api/app.ts';
import type { NotifierSpec } from '../api/notifier.ts';

/** Looks up the App of a namespace and app name, from the operator's informer cache. */
export type AppLookup = (namespace: string, app: string) => App | undefined;

/** The email addresses of a notifier, or why there is none. */
export type RecipientsResult = { ok: true; recipients: string[] } | { ok: false; message: string };

/**
 * Resolves who receives an email notifier's messages at send time: the listed addresses, the
 * App's owner and its accepted collaborators of the selected roles. Pending invitations receive
 * nothing. Addresses are compared without regard to case and each is returned once.
 */
export function resolveRecipients(
  email: NonNullable<NotifierSpec['email']>,
  namespace: string,
  appName: string,
  app: App | undefined,
): RecipientsResult {
  const recipients = new Map<string, string>();
  const add = (address: string) => {
    const key = address.toLowerCase();
    if (!recipients.has(key)) recipients.set(key, address);
  };

  for (const address of email.to ?? []) add(address);
  if (app && email.owner) add(app.spec.owner.email);
  if (app && email.collaborators) {
    const roles = email.collaboratorRoles;
    for (const collaborator of app.spec.collaborators ?? []) {
      const roleSelected = !roles || roles.includes(collaborator.role);
      if (collaborator.accepted && roleSelected) add(collaborator.email);
    }
  }

  if (recipients.size > 0) return { ok: true, recipients: [...recipients.values()] };
  return { ok: false, message: noRecipientsMessage(email, namespace, appName, app) };
}

function noRecipientsMessage(
  email: NonNullable<NotifierSpec['email']>,
  namespace: string,
  appName: string,
  app: App | undefined,
): string {
  if (!app) {
    return `spec.email names no address in to, and App "${appName}" does not exist in namespace "${namespace}" to give the owner or collaborators; create the App or list addresses in spec.email.to`;
  }
  if (email.collaborators) {
    const roles = email.collaboratorRoles
      ? ` with role ${email.collaboratorRoles.join(' or ')}`
      : '';
    return `App "${appName}" has no accepted collaborator${roles}, and spec.email lists no other recipient; add addresses to spec.email.to or set spec.email.owner`;
  }
  return 'spec.email lists no recipient; add addresses to spec.email.to or set spec.email.owner';
}
