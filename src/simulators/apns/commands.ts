/**
 * Run-time control of the simulator in its own process (main.ts): one JSON command a line on
 * stdin, one JSON reply a line on stdout.
 *
 *   {"id":1,"faults":"set","settings":{"serverErrors":{"count":3}}}   → {"event":"done","id":1}
 *   {"id":2,"faults":"clear"}
 *   {"id":3,"faults":"goaway","settings":{"reason":"Shutdown","afterRequests":100}}
 *   {"id":4,"faults":"dropConnections","settings":{"afterRequests":10}}
 *   a bad command or setting                                          → {"event":"error","id":…,"message":…}
 */
import type { DropFault, FaultSettings, GoawayFault } from '../shared/fault-settings.js';
import type { SimulatorFaults } from '../shared/simulator-server.js';

export type FaultOperation = 'set' | 'clear' | 'goaway' | 'dropConnections';

export interface FaultCommand {
  id: number;
  faults: FaultOperation;
  settings?: FaultSettings | GoawayFault | DropFault;
}

export type CommandReply = { event: 'done'; id: number } | { event: 'error'; id: number | null; message: string };

/** Carries out one command line on `faults`; never throws. */
export function runCommand(faults: SimulatorFaults, line: string): CommandReply {
  let command: Partial<FaultCommand>;
  try {
    command = JSON.parse(line) as Partial<FaultCommand>;
  } catch {
    return { event: 'error', id: null, message: 'not JSON' };
  }
  const id = typeof command?.id === 'number' ? command.id : null;
  if (id === null) return { event: 'error', id, message: 'a command needs a numeric id' };
  const settings = command.settings ?? {};
  try {
    switch (command.faults) {
      case 'set':
        faults.set(settings as FaultSettings);
        break;
      case 'clear':
        faults.clear();
        break;
      case 'goaway':
        faults.goaway(settings as GoawayFault);
        break;
      case 'dropConnections':
        faults.dropConnections(settings as DropFault);
        break;
      default:
        return { event: 'error', id, message: `unknown operation ${JSON.stringify(command.faults)}` };
    }
  } catch (e) {
    return { event: 'error', id, message: e instanceof Error ? e.message : String(e) };
  }
  return { event: 'done', id };
}
