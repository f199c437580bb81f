/** File names and folders of a job, as NVFlare lays them out. */
export const JobLayout = {
  /** Job metadata at the top of the job folder. */
  META_FILE: 'meta.json',
  /** Folder inside each app that holds its configs. */
  CONFIG_DIR: 'config',
  /** Server config inside an app's config folder. */
  SERVER_CONFIG_FILE: 'config_fed_server.json',
  /** Client config inside an app's config folder. */
  CLIENT_CONFIG_FILE: 'config_fed_client.json',
} as const;

/** Which side of an app a config belongs to. */
export type AppSide = 'server' | 'client';

/** The path of an app's server or client config, relative to the job folder and `/`-separated. */
export function appConfigFile(app: string, side: AppSide): string {
  const name = side === 'server' ? JobLayout.SERVER_CONFIG_FILE : JobLayout.CLIENT_CONFIG_FILE;
  return `${app}/${JobLayout.CONFIG_DIR}/${name}`;
}
