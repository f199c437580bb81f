import { serverJobProcessMain } from '@hearth/federation';

/**
 * Entry of a server job process; the server daemon forks this module. It exits as soon as the job is done
 * (its last report is already handed to the parent), so nothing a job left behind keeps it alive.
 */
process.exit(await serverJobProcessMain());
