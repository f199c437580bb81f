import { GrpcDriver, WsDriver } from '@hearth/comm';
import type { Driver } from '@hearth/comm';
import type { Logger } from '@hearth/core';
import { Type } from 'typebox';
import type { Static } from 'typebox';

/** The network drivers a deployment may choose in its configs. */
export const DriverNameSchema = Type.Union([Type.Literal('grpc'), Type.Literal('ws')]);

/** `grpc` or `ws`. */
export type DriverName = Static<typeof DriverNameSchema>;

/** A fresh driver of the named kind. */
export function createDriver(name: DriverName, logger: Logger): Driver {
  return name === 'grpc' ? new GrpcDriver({ logger }) : new WsDriver({ logger });
}
