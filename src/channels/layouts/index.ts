import type { EventType } from '../../api/event-types.ts';
import { alertRuleLayout } from './alert-rule.ts';
import { alertTriggeredLayout } from './alert.ts';
import { crashLayout } from './crash.ts';
import { deploymentLayout } from './deployment.ts';
import { genericLayout } from './generic.ts';
import { scaleLayout } from './scale.ts';
import type { Layout } from './types.ts';
import { variablesLayout } from './variables.ts';

/**
 * The event types with a layout of their own. Adding a layout is one entry here; every other
 * type gets genericLayout.
 */
export const layouts: Readonly<Partial<Record<EventType, Layout>>> = {
  alert_added: alertRuleLayout,
  alert_deleted: alertRuleLayout,
  app_alert_triggered: alertTriggeredLayout,
  app_crashed: crashLayout,
  app_crashed_repeated: crashLayout,
  app_deployed: deploymentLayout,
  app_scaled: scaleLayout,
  variable_added: variablesLayout,
  variable_bulk_edited: variablesLayout,
  variable_edited: variablesLayout,
  variable_removed: variablesLayout,
};

const layoutByType = new Map<string, Layout>(Object.entries(layouts));

/** Returns the layout of an event type: its own, or genericLayout. */
export function layoutFor(type: string): Layout {
  return layoutByType.get(type) ?? genericLayout;
}

export { EventDataReader } from './event-data-reader.ts';
export type { Layout, MessageLayout } from './types.ts';
