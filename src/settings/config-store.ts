import { chmodSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { ExitCode, TranscribeError } from '../errors.js';
import { readConfigFile, type ConfigData, type RawValue } from './config-file.js';
import { configFile } from './config-paths.js';
import { options, type OptionName } from './options.js';

/**
 * The config file: read with a few lines of our own (every command reads it; `conf` and its JSON
 * schema validator take ~80 ms to load), written through `conf` (atomic writes, file mode 0600).
 */
export class ConfigStore {
  readonly path: string;

  constructor(readonly dir: string) {
    this.path = configFile(dir);
  }

  read(): { data: ConfigData; warnings: string[] } {
    return readConfigFile(this.path);
  }

  async set(name: OptionName, value: RawValue, profile?: string): Promise<void> {
    const key = options[name].key;
    await this.update((store) => {
      if (!profile) return store.set(key, value);
      const profiles = (store.get('profiles') ?? {}) as Record<string, Record<string, RawValue>>;
      store.set('profiles', { ...profiles, [profile]: { ...ownSection(profiles, profile), [key]: value } });
    });
  }

  /** Removes a config key (also one this version does not know); returns whether it was set. */
  async unset(key: string, profile?: string): Promise<boolean> {
    let found = false;
    await this.update((store) => {
      if (!profile) {
        found = Object.hasOwn(store.store, key); // conf's has() also sees Object.prototype ("toString")
        return store.delete(key);
      }
      const profiles = (store.get('profiles') ?? {}) as Record<string, Record<string, RawValue>>;
      const { [key]: removed, ...rest } = ownSection(profiles, profile);
      found = removed !== undefined;
      if (found) store.set('profiles', { ...profiles, [profile]: rest });
    });
    return found;
  }

  private async update(change: (store: import('conf').default<Record<string, unknown>>) => void): Promise<void> {
    this.read(); // refuses a broken file before conf could touch it
    try {
      // A directory made here is 0700; an existing one (maybe shared, e.g. 1777) is not ours to chmod.
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // conf writes a new file and renames it over the old one (through a symlink, over its target):
      // 0600, except that a symlink's target keeps its own mode.
      const link = lstatIfExists(this.path)?.isSymbolicLink() ?? false;
      const { default: Conf } = await import('conf');
      const store = new Conf<Record<string, unknown>>({
        cwd: this.dir,
        configName: 'config',
        projectSuffix: '',
        configFileMode: link ? statSync(this.path).mode & 0o7777 : 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
      });
      change(store);
      if (!link) chmodSync(this.path, 0o600); // conf's fallback writes keep an existing file's mode
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new TranscribeError(
        `cannot write the config file ${this.path} (${code})`,
        ExitCode.internal,
        'check that its directory is writable, or set TRANSCRIBE_CONFIG_DIR',
      );
    }
  }
}

/** A profile's own settings: never an Object.prototype member that happens to share its name. */
function ownSection(profiles: Record<string, Record<string, RawValue>>, name: string): Record<string, RawValue> {
  return Object.hasOwn(profiles, name) ? profiles[name]! : {};
}

function lstatIfExists(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
