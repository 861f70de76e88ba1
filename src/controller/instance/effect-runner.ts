/**
 * Runs the cloud call an instance machine's state names and hands its answer back to the machine as an event.
 * A state that needs a call starts it on entry (`startEffect`) and abandons it on exit (`abandonEffect`): the
 * call's signal is aborted and its answer, if one still comes, is dropped. So each machine has at most one call in
 * flight, and an answer always belongs to the state the machine is in.
 *
 * Why not xstate's `invoke`: an invoked promise is an actor of its own. On the way to ready an instance invoked three
 * (render, create, health check), so a deploy built four actors per instance, and at tens of thousands of instances
 * those actors were most of what the machines cost (bench/README.md, "the instance machine's cost").
 */
import type { AnyActorRef } from 'xstate';
import { TransientError } from '../../errors/index.js';
import type { EffectEvent, EffectName, InstanceContext, InstanceEffects } from './types.js';

export class EffectRunner {
  private readonly inFlight = new Map<AnyActorRef, AbortController>();

  /** @param signal aborts every call in flight, and refuses new ones (the infra's runtime stopped) */
  constructor(
    private readonly effects: InstanceEffects,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', () => {
      for (const self of [...this.inFlight.keys()]) this.abandon(self);
    }, { once: true });
  }

  /** Calls `effect` for the machine `self`, replacing any call it still had in flight. */
  start(self: AnyActorRef, effect: EffectName, context: InstanceContext): void {
    this.abandon(self);
    if (this.signal?.aborted) return;
    const calling = new AbortController();
    this.inFlight.set(self, calling);
    let answer: Promise<unknown>;
    try {
      answer = this.effects[effect](context, calling.signal);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (output) => this.answer(self, calling, { type: 'effect.done', effect, output }),
      (error) => this.answer(self, calling, { type: 'effect.failed', effect, error }),
    );
  }

  /** After a restore from a snapshot (which carries no calls in flight): starts the state's call unless one runs. */
  resume(self: AnyActorRef, effect: EffectName, context: InstanceContext): void {
    if (!this.inFlight.has(self)) this.start(self, effect, context);
  }

  abandon(self: AnyActorRef): void {
    const calling = this.inFlight.get(self);
    if (!calling) return;
    this.inFlight.delete(self);
    calling.abort(new TransientError('REEF_ABORTED', 'the instance left the state that made this call'));
  }

  private answer(self: AnyActorRef, calling: AbortController, event: EffectEvent): void {
    if (calling.signal.aborted) return;
    this.inFlight.delete(self);
    self.send(event);
  }
}
