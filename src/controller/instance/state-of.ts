import type { SnapshotFrom } from 'xstate';
import type { InstanceMachine } from './machine.js';
import type { InstanceState } from '../../state/store.js';

/** The instance's state as users see it: the machine's top-level state name. */
export function topState(snapshot: SnapshotFrom<InstanceMachine>): InstanceState {
  const v = snapshot.value;
  return (typeof v === 'string' ? v : Object.keys(v)[0]) as InstanceState;
}
