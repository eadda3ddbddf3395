// Persistence for one node: the RDB snapshot (SAVE, BGSAVE, save points, SHUTDOWN, DEBUG RELOAD) and Redis 7.0's
// multi-part AOF (appendonly yes): the manifest, base and incr files, feeding and flushing written commands, fsync
// policy, loading at start-up and rewriting. All file access goes through env.storage.
//
// Redis forks for BGSAVE and BGREWRITEAOF; redis-sim has no fork, so both run to completion inside the command and
// the node answers as Redis does when its child has been started. The file-level outcome is the same as when the
// child finishes right away.

import { ClientSession } from '../client-session.js';
import { failsArity, type CommandHandler } from '../command-table.js';
import { CommandError } from '../errors.js';
import type { RedisNode, ShutdownSave } from '../node.js';
import type { Value } from '../values.js';
import { OutputBuffer } from '../../protocol/output-buffer.js';
import { AofCommandReader, AofError, AofManifest, encodeAofSelect, rewriteDatasetAsCommands } from './aof.js';
import { RDB_MAGIC, decodeRdb, encodeRdb } from './rdb.js';

/** Raised at start-up (or by DEBUG LOADAOF) when persisted data cannot be loaded; Redis exits in these cases. */
export class PersistenceLoadError extends Error {
  override readonly name = 'PersistenceLoadError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** How DEBUG RELOAD went. */
export type ReloadOutcome = 'ok' | 'save-failed' | 'load-failed';

/** Loads and writes a node's data through its Env storage. */
export class Persistence {
  /** Set while a dataset is being loaded: nothing is propagated and nothing expires (server.loading). */
  loading = false;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: skip CRC checks of RDB files and DUMP payloads. */
  skipChecksumValidation = false;
  /** Time of the last successful save in ms (server.lastsave; start-up counts as saved). */
  lastSave: number;
  /** SAVE and BGSAVE runs (stat_rdb_saves). */
  rdbSaves = 0;
  /** Keys loaded and skipped as expired by the last RDB load. */
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;
  /** AOF rewrites run (stat_aof_rewrites). */
  aofRewrites = 0;

  private lastBgsaveOk = true;
  private lastBgsaveTry = 0;
  private lastSaveDuration = -1;
  private lastRewriteOk = true;
  private rewriteFailures = 0;
  private lastRewriteDuration = -1;
  private aofOn = false;
  private aofWriteOk = true;
  private readonly aofBuffer = new OutputBuffer();
  private aofSelectedDb = -1;
  private manifest = new AofManifest();
  private incrPath = '';
  private aofBaseSize = 0;
  private aofCurrentSize = 0;
  private aofIncrSize = 0;
  private aofIncrSyncedSize = 0;
  private aofLastFsyncSecond = 0;
  private started = false;
  private saveParamsText = '';
  private saveParams: [seconds: number, changes: number][] = [];
  /** `appendfsync`, kept at hand because flushAof runs before every reply. */
  private fsyncPolicy: string;

  constructor(private readonly node: RedisNode) {
    this.lastSave = node.startedAt;
    this.fsyncPolicy = node.config.get('appendfsync');
    node.config.onChange((name, value) => this._configChanged(name, value));
  }

  /**
   * Loads the AOF (when appendonly is on) or the RDB snapshot at start-up, then opens the AOF for appending
   * (loadDataFromDisk, aofOpenIfNeededOnServerStart). Throws PersistenceLoadError where Redis would exit.
   */
  loadOnStart(): void {
    const node = this.node;
    this.lastSave = node.now();
    this.manifest = this._readManifest();
    if (node.config.getBool('appendonly')) {
      this.aofOn = true;
      const start = node.now();
      this._upgradeOldStyleAof();
      if (this._loadAppendOnlyFiles()) {
        node.log('notice', `DB loaded from append only file: ${_seconds(node.now() - start)} seconds`);
      }
    } else {
      const start = node.now();
      if (this._loadRdbFile()) node.log('notice', `DB loaded from disk: ${_seconds(node.now() - start)} seconds`);
    }
    this._openAofOnStart();
    this._deleteHistoryFiles();
    this.started = true;
  }

  /** Appends a propagated write to the AOF buffer when the AOF is on (feedAppendOnlyFile). */
  feed(dbId: number, args: readonly string[]): void {
    if (!this.aofOn || this.loading) return;
    if (dbId !== this.aofSelectedDb) {
      this.aofBuffer.writeLatin1(encodeAofSelect(dbId));
      this.aofSelectedDb = dbId;
    }
    this.aofBuffer.writeLatin1(`*${args.length}\r\n`);
    for (const a of args) {
      this.aofBuffer.writeLatin1(`$${a.length}\r\n`);
      this.aofBuffer.writeLatin1(a);
      this.aofBuffer.writeLatin1('\r\n');
    }
  }

  /**
   * Writes the AOF buffer to the incr file and fsyncs per `appendfsync` (flushAppendOnlyFile). Called before replies
   * are sent, so an acknowledged write has at least reached the OS; with `always` it is on disk.
   */
  flushAof(): void {
    if (!this.aofOn || (this.aofBuffer.size === 0 && this.aofIncrSyncedSize === this.aofIncrSize)) return;
    const policy = this.fsyncPolicy;
    if (this.aofBuffer.size > 0) {
      const data = this.aofBuffer.take();
      try {
        this.node.env.storage.append(this.incrPath, data);
      } catch (e) {
        this.node.log('warning', `Error writing to the AOF file: ${_message(e)}`);
        this.aofWriteOk = false;
        this.aofBuffer.writeBytes(data); // retried on the next flush, like Redis keeping aof_buf
        return;
      }
      if (!this.aofWriteOk) this.node.log('warning', 'AOF write error looks solved, Redis can write again.');
      this.aofWriteOk = true;
      this.aofIncrSize += data.length;
      this.aofCurrentSize += data.length;
    } else if (policy === 'no') {
      return;
    }
    const second = Math.floor(this.node.now() / 1000);
    if (policy === 'always' || (policy === 'everysec' && second > this.aofLastFsyncSecond)) {
      this._syncAof();
      this.aofLastFsyncSecond = second;
    }
  }

  /** The periodic work of serverCron: the everysec fsync, the `save` points and the automatic AOF rewrite. */
  cron(): void {
    if (!this.started) return;
    const node = this.node;
    this.flushAof();
    const second = Math.floor(node.now() / 1000);
    const lastSave = Math.floor(this.lastSave / 1000);
    const lastTry = Math.floor(this.lastBgsaveTry / 1000);
    for (const [seconds, changes] of this._saveParams()) {
      if (node.dirty >= changes && second - lastSave > seconds && (second - lastTry > 5 || this.lastBgsaveOk)) {
        node.log('notice', `${changes} changes in ${seconds} seconds. Saving...`);
        this.bgsave();
        return;
      }
    }
    const percentage = node.config.getNumber('auto-aof-rewrite-percentage');
    if (this.aofOn && percentage > 0 && this.aofCurrentSize > node.config.getNumber('auto-aof-rewrite-min-size')) {
      const growth = Math.floor((this.aofCurrentSize * 100) / (this.aofBaseSize || 1)) - 100;
      if (growth >= percentage) {
        node.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.rewriteAof();
      }
    }
  }

  /** Saves as SHUTDOWN requires (finishShutdown): flush and fsync the AOF, then snapshot; false if saving failed. */
  shutdown(save: ShutdownSave, force = false): boolean {
    if (this.aofOn) {
      this.node.log('notice', 'Calling fsync() on the AOF file.');
      this.flushAof();
      this._syncAof();
    }
    if ((this.hasSavePoints() && save !== 'nosave') || save === 'save') {
      this.node.log('notice', 'Saving the final RDB snapshot before exiting.');
      if (!this.save()) {
        if (force) {
          this.node.log('warning', 'Error trying to save the DB. Exit anyway.');
        } else {
          this.node.log('warning', "Error trying to save the DB, can't exit.");
          this.node.log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
          return false;
        }
      }
    }
    return true;
  }

  /** Whether the `save` config has at least one save point (server.saveparamslen > 0). */
  hasSavePoints(): boolean {
    return this._saveParams().length > 0;
  }

  /** Writes the RDB snapshot to `dbfilename` atomically (rdbSave); false on a write error, which is logged. */
  save(): boolean {
    const node = this.node;
    try {
      node.env.storage.writeAtomic(node.config.get('dbfilename'), this._encodeRdb(false));
    } catch (e) {
      node.log('warning', `Write error saving DB on disk: ${_message(e)}`);
      return false;
    }
    node.log('notice', 'DB saved on disk');
    node.dirty = 0;
    this.lastSave = node.now();
    this.lastBgsaveOk = true;
    return true;
  }

  /** SAVE: a counted synchronous save. */
  saveCommand(): boolean {
    this.rdbSaves++;
    return this.save();
  }

  /** BGSAVE (rdbSaveBackground, run to completion at once): a counted save with Redis's log lines. */
  bgsave(): boolean {
    const node = this.node;
    this.rdbSaves++;
    this.lastBgsaveTry = node.now();
    node.log('notice', `Background saving started by pid ${node.env.pid}`);
    if (!this.save()) {
      this.lastBgsaveOk = false;
      node.log('warning', 'Background saving error');
      return false;
    }
    this.lastSaveDuration = Math.floor((node.now() - this.lastBgsaveTry) / 1000);
    node.log('notice', 'Background saving terminated with success');
    return true;
  }

  /** FLUSHALL's extra step (flushAllDataAndResetRDB): save the now empty dataset when save points are configured. */
  afterFlushAll(): void {
    if (this.hasSavePoints()) this.save();
  }

  /**
   * BGREWRITEAOF, run to completion at once: a new base file with the current data, a new incr file when the AOF is
   * on, the manifest switched over and the old files deleted. False when a file could not be written.
   */
  rewriteAof(): boolean {
    const node = this.node;
    const start = node.now();
    node.log('notice', `Background append only file rewriting started by pid ${node.env.pid}`);
    this.aofRewrites++;
    if (!this._rewrite()) {
      this.lastRewriteOk = false;
      this.rewriteFailures++;
      node.log('warning', 'Background AOF rewrite terminated with error');
      return false;
    }
    this.lastRewriteOk = true;
    this.rewriteFailures = 0;
    this.lastRewriteDuration = Math.floor((node.now() - start) / 1000);
    node.log('notice', 'Background AOF rewrite finished successfully');
    return true;
  }

  /**
   * DEBUG RELOAD: save (unless `save` is false), empty the dataset (unless `flush` is false), and load the RDB file
   * back. Loaded keys replace existing ones (Redis panics on a duplicate unless MERGE is given).
   */
  reload(options: { save: boolean; flush: boolean }): ReloadOutcome {
    const node = this.node;
    if (options.save && !this.save()) return 'save-failed';
    if (options.flush) this._emptyData();
    try {
      if (!this._loadRdbFile()) return 'load-failed';
    } catch (e) {
      node.log('warning', _message(e));
      return 'load-failed';
    }
    node.log('warning', 'DB reloaded by DEBUG RELOAD');
    return 'ok';
  }

  /** DEBUG LOADAOF: flush the AOF, empty the dataset and load the AOF files again; dirty is reset. */
  reloadAof(): void {
    if (this.aofOn) this.flushAof();
    this._emptyData();
    this.manifest = this._readManifest();
    this._deleteHistoryFiles();
    this._loadAppendOnlyFiles();
    this.node.dirty = 0;
    this.node.log('warning', 'Append Only File loaded by DEBUG LOADAOF');
  }

  /** The fields of INFO's `# Persistence` section, in Redis's order. */
  infoFields(): [string, string | number][] {
    const fields: [string, string | number][] = [
      ['loading', this.loading ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', 0],
      ['current_save_keys_total', 0],
      ['rdb_changes_since_last_save', this.node.dirty],
      ['rdb_bgsave_in_progress', 0],
      ['rdb_last_save_time', Math.floor(this.lastSave / 1000)],
      ['rdb_last_bgsave_status', this.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastSaveDuration],
      ['rdb_current_bgsave_time_sec', -1],
      ['rdb_saves', this.rdbSaves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.lastLoadKeysExpired],
      ['rdb_last_load_keys_loaded', this.lastLoadKeysLoaded],
      ['aof_enabled', this.aofOn ? 1 : 0],
      ['aof_rewrite_in_progress', 0],
      ['aof_rewrite_scheduled', 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteDuration],
      ['aof_current_rewrite_time_sec', -1],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.aofRewrites],
      ['aof_rewrites_consecutive_failures', this.rewriteFailures],
      ['aof_last_write_status', this.aofWriteOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (this.aofOn) {
      fields.push(
        ['aof_current_size', this.aofCurrentSize],
        ['aof_base_size', this.aofBaseSize],
        ['aof_pending_rewrite', 0],
        ['aof_buffer_length', this.aofBuffer.size],
        ['aof_pending_bio_fsync', 0],
        ['aof_delayed_fsync', 0],
      );
    }
    return fields;
  }

  // --- internal ---

  private _aofPath(name: string): string {
    return `${this.node.config.get('appenddirname')}/${name}`;
  }

  private _aofFilename(): string {
    return this.node.config.get('appendfilename');
  }

  private _encodeRdb(aofBase: boolean): Buffer {
    const node = this.node;
    return encodeRdb(node.databases, {
      now: node.now(),
      usedMemory: _usedMemory(node),
      aofBase,
      compress: node.config.getBool('rdbcompression'),
      checksum: node.config.getBool('rdbchecksum'),
    });
  }

  private _saveParams(): [number, number][] {
    const text = this.node.config.get('save');
    if (text !== this.saveParamsText) {
      this.saveParamsText = text;
      const words = text === '' ? [] : text.split(' ').map(Number);
      this.saveParams = [];
      for (let i = 0; i + 1 < words.length; i += 2) this.saveParams.push([words[i]!, words[i + 1]!]);
    }
    return this.saveParams;
  }

  private _syncAof(): void {
    if (this.incrPath === '') return;
    try {
      this.node.env.storage.sync(this.incrPath);
    } catch (e) {
      this.node.log('warning', `Fail to fsync the AOF file: ${_message(e)}`);
      return;
    }
    this.aofIncrSyncedSize = this.aofIncrSize;
  }

  /** Empties every database, signalling WATCHers first (emptyData). */
  private _emptyData(): void {
    for (const db of this.node.databases) {
      this.node.touchAllWatched(db);
      db.flush();
    }
  }

  /** Reads the manifest if there is one (aofLoadManifestFromDisk); a broken one is fatal. */
  private _readManifest(): AofManifest {
    const data = this.node.env.storage.read(this._aofPath(`${this._aofFilename()}.manifest`));
    if (data === null) return new AofManifest();
    try {
      return AofManifest.parse(data.toString('latin1'));
    } catch (e) {
      this.node.log('warning', '*** FATAL AOF MANIFEST FILE ERROR ***');
      this.node.log('warning', _message(e));
      throw new PersistenceLoadError(`Bad AOF manifest: ${_message(e)}`, e);
    }
  }

  /** Moves a pre-7.0 single-file AOF into the AOF directory as the base (aofUpgradePrepare). */
  private _upgradeOldStyleAof(): void {
    const storage = this.node.env.storage;
    const filename = this._aofFilename();
    if (!storage.exists(filename)) return;
    const am = this.manifest;
    const empty = am.base === null && am.incr.length === 0;
    const onlyOldBase =
      am.base !== null && am.incr.length === 0 && am.base.name === filename && !storage.exists(this._aofPath(filename));
    if (!empty && !onlyOldBase) return;
    am.base = { name: filename, seq: 1, type: 'b' };
    am.currentBaseSeq = 1;
    am.dirty = true;
    this._persistManifest(am);
    storage.writeAtomic(this._aofPath(filename), storage.read(filename)!);
    storage.remove(filename);
    this.node.log(
      'notice',
      `Successfully migrated an old-style AOF file (${filename}) into the AOF directory (${this.node.config.get('appenddirname')}).`,
    );
  }

  /** Loads the base and incr files the manifest lists (loadAppendOnlyFiles); false when there was nothing to load. */
  private _loadAppendOnlyFiles(): boolean {
    const storage = this.node.env.storage;
    const am = this.manifest;
    const files = [...(am.base === null ? [] : [am.base]), ...am.incr];
    if (files.length === 0) return false;
    const contents: Buffer[] = [];
    let total = 0;
    for (const f of files) {
      const data = storage.read(this._aofPath(f.name));
      if (data === null) {
        this.node.log('warning', `Unable to obtain the AOF file ${f.name} length. stat: No such file or directory`);
        throw new PersistenceLoadError(`The AOF file ${f.name} listed in the manifest does not exist`);
      }
      contents.push(data);
      total += data.length;
    }
    if (total === 0) return false;
    const savedTime = this.node.commandTime;
    this.loading = true;
    this.lastLoadKeysLoaded = 0;
    this.lastLoadKeysExpired = 0;
    // Nothing expires while loading (keyIsExpired returns 0 when server.loading): the cached command time is held at
    // zero, so every replayed command sees every key as live, whatever its expiry.
    this.node.commandTime = 0;
    try {
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const last = i === files.length - 1;
        const outcome = this._loadSingleAof(f.name, contents[i]!, last);
        if (outcome !== 'empty' || f.type === 'i') {
          const kind = f.type === 'b' ? 'base' : 'incr';
          this.node.log('notice', `DB loaded from ${kind} file ${f.name}: 0.000 seconds`);
        }
      }
    } finally {
      this.loading = false;
      this.node.commandTime = savedTime;
      this._touchAllLoaded();
    }
    this.aofCurrentSize = total;
    this.aofBaseSize = am.base === null ? 0 : (storage.read(this._aofPath(am.base.name))?.length ?? 0);
    return true;
  }

  /** Replays one AOF file through the command table with a fake client (loadSingleAppendOnlyFile). */
  private _loadSingleAof(name: string, data: Buffer, last: boolean): 'ok' | 'empty' | 'truncated' {
    const node = this.node;
    if (data.length === 0) return 'empty';
    let pos = 0;
    if (data.length >= 5 && data.toString('latin1', 0, 5) === RDB_MAGIC) {
      const oldStyle = name === this._aofFilename();
      node.log(
        'notice',
        oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...',
      );
      try {
        pos = this._loadRdbData(data, true).end;
      } catch (e) {
        node.log(
          'warning',
          oldStyle
            ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
            : `Error reading the RDB base file ${name}, AOF loading aborted`,
        );
        throw new PersistenceLoadError(`Error reading the RDB part of ${name}: ${_message(e)}`, e);
      }
      if (oldStyle) node.log('notice', 'Reading the remaining AOF tail...');
    }
    const fake = _aofClient(node);
    const reader = new AofCommandReader(data, pos);
    let validUpTo = pos;
    let validBeforeMulti = pos;
    let truncated = false;
    for (;;) {
      let args: string[] | null;
      try {
        args = reader.next();
      } catch (e) {
        if (!(e instanceof AofError) || e.code !== 'truncated') {
          node.log(
            'warning',
            `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`,
          );
          throw new PersistenceLoadError(`Bad file format reading the append only file ${name}`, e);
        }
        truncated = true;
        break;
      }
      if (args === null) break;
      const command = node.commands.lookup(args);
      if (command === undefined || command.handler === null || failsArity(command, args.length)) {
        node.log('warning', `Unknown command '${args[0]}' reading the append only file ${name}`);
        throw new PersistenceLoadError(`Unknown command '${args[0]}' reading the append only file ${name}`);
      }
      if (command.name === 'multi') validBeforeMulti = validUpTo;
      if (fake.multi !== null && command.name !== 'exec') fake.multi.queue.push({ command, args });
      else _runQuietly(fake, command.handler, args);
      validUpTo = reader.pos;
    }
    if (!truncated && fake.multi === null) return 'ok';
    if (!truncated) {
      node.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
      validUpTo = validBeforeMulti;
    }
    if (!node.config.getBool('aof-load-truncated')) {
      node.log(
        'warning',
        `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
      );
      throw new PersistenceLoadError(`Unexpected end of file reading the append only file ${name}`);
    }
    node.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
    node.log('warning', `!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    node.env.storage.writeAtomic(this._aofPath(name), data.subarray(0, validUpTo));
    node.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
    if (!last) {
      node.log('warning', 'Fatal error: the truncated file is not the last file');
      throw new PersistenceLoadError(`The truncated AOF file ${name} is not the last file`);
    }
    return 'truncated';
  }

  /** Loads `dbfilename` if it exists (rdbLoad); false when there is none. Throws PersistenceLoadError when corrupt. */
  private _loadRdbFile(): boolean {
    const data = this.node.env.storage.read(this.node.config.get('dbfilename'));
    if (data === null) return false;
    this.loading = true;
    try {
      this._loadRdbData(data, false);
    } catch (e) {
      this.node.log('warning', `Fatal error loading the DB: ${_message(e)}. Exiting.`);
      throw new PersistenceLoadError(`Error loading the RDB file: ${_message(e)}`, e);
    } finally {
      this.loading = false;
    }
    return true;
  }

  /**
   * Loads RDB bytes into the databases (rdbLoadRio). A plain snapshot drops keys that have already expired when
   * this node is a master; an AOF base keeps every key, because the incr files that follow expect them.
   */
  private _loadRdbData(data: Buffer, aofBase: boolean): { end: number } {
    const node = this.node;
    const now = node.now();
    let loaded = 0;
    let expired = 0;
    const dropExpired = !aofBase && node.role === 'master';
    const result = decodeRdb(
      data,
      (dbId: number, key: string, value: Value, expiresAt: number, exactExpiresAt: bigint | undefined) => {
        if (dropExpired && expiresAt !== 0 && expiresAt < now) {
          expired++;
          return;
        }
        node.databases[dbId]!.load(key, value, exactExpiresAt ?? expiresAt);
        loaded++;
      },
      {
        databases: node.databases.length,
        verifyChecksum: node.config.getBool('rdbchecksum') && !this.skipChecksumValidation,
        onAux: (name, value) => this._logAux(name, value),
      },
    );
    this.lastLoadKeysLoaded = loaded;
    this.lastLoadKeysExpired = expired;
    node.log('notice', `Done loading RDB, keys loaded: ${loaded}, keys expired: ${expired}.`);
    return result;
  }

  /** Logs the AUX fields Redis reports while loading. */
  private _logAux(name: string, value: string): void {
    const node = this.node;
    const key = name.toLowerCase();
    if (name.startsWith('%')) node.log('notice', `RDB '${name}': ${value}`);
    else if (key === 'redis-ver') node.log('notice', `Loading RDB produced by version ${value}`);
    else if (key === 'ctime') {
      node.log('notice', `RDB age ${Math.max(0, Math.floor(node.now() / 1000) - Number.parseInt(value, 10))} seconds`);
    } else if (key === 'used-mem') {
      node.log('notice', `RDB memory usage when created ${(Number(value) / (1024 * 1024)).toFixed(2)} Mb`);
    } else if (key === 'aof-base' && value !== '0') node.log('notice', 'RDB is base AOF');
    else if (key === 'aof-preamble' && value !== '0') node.log('notice', 'RDB has an AOF tail');
  }

  /** After a load that ran with the clock held at zero, gives every key a fresh access time. */
  private _touchAllLoaded(): void {
    const now = this.node.now();
    for (const db of this.node.databases) for (const [, entry] of db.rawEntries()) entry.accessedAt = now;
  }

  /** Creates the base (for an empty AOF) and opens the incr file (aofOpenIfNeededOnServerStart). */
  private _openAofOnStart(): void {
    if (!this.aofOn) return;
    const node = this.node;
    const storage = node.env.storage;
    const am = this.manifest;
    const hadIncr = am.incr.length > 0;
    if (am.base === null && !hadIncr) {
      const baseName = am.newBase(this._aofFilename(), node.config.getBool('aof-use-rdb-preamble'));
      const base = this._baseContents();
      storage.writeAtomic(this._aofPath(baseName), base);
      this.aofBaseSize = base.length;
      this.aofCurrentSize = base.length;
      node.log('notice', `Creating AOF base file ${baseName} on server start`);
    }
    const incrName = am.lastIncr(this._aofFilename());
    this._openIncr(incrName);
    this._persistManifest(am);
    node.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incrName} on server start`);
  }

  /** Makes `name` the incr file writes are appended to, creating it when missing. */
  private _openIncr(name: string): void {
    const storage = this.node.env.storage;
    this.incrPath = this._aofPath(name);
    this._createEmpty(this.incrPath);
    this.aofIncrSize = storage.read(this.incrPath)?.length ?? 0;
    this.aofIncrSyncedSize = this.aofIncrSize;
    this.aofSelectedDb = -1;
  }

  /** Creates an empty file if missing and makes its existence durable (open O_CREAT, then the directory fsync). */
  private _createEmpty(path: string): void {
    const storage = this.node.env.storage;
    if (storage.exists(path)) return;
    storage.append(path, Buffer.alloc(0));
    storage.sync(path);
  }

  /** The current dataset as a base file: an RDB with aof-base set, or commands (aof-use-rdb-preamble no). */
  private _baseContents(): Buffer {
    if (this.node.config.getBool('aof-use-rdb-preamble')) return this._encodeRdb(true);
    return rewriteDatasetAsCommands(this.node.databases);
  }

  /** Writes the manifest atomically when it changed (persistAofManifest). */
  private _persistManifest(am: AofManifest): void {
    if (!am.dirty) return;
    this.node.env.storage.writeAtomic(
      this._aofPath(`${this._aofFilename()}.manifest`),
      Buffer.from(am.format(), 'latin1'),
    );
    am.dirty = false;
  }

  /** Deletes the files the manifest lists as history (aofDelHistoryFiles). */
  private _deleteHistoryFiles(): void {
    const am = this.manifest;
    if (am.history.length === 0) return;
    for (const f of am.history) {
      this.node.log('notice', `Removing the history file ${f.name} in the background`);
      this.node.env.storage.remove(this._aofPath(f.name));
    }
    am.history = [];
    am.dirty = true;
    this._persistManifest(am);
  }

  /**
   * The rewrite itself (rewriteAppendOnlyFileBackground + backgroundRewriteDoneHandler): files are written before the
   * manifest that names them, so a crash at any point leaves a manifest whose files all exist.
   */
  private _rewrite(): boolean {
    const node = this.node;
    const storage = node.env.storage;
    const filename = this._aofFilename();
    try {
      this.flushAof();
      const am = this.manifest.clone();
      let incrName: string | null = null;
      if (this.aofOn) {
        incrName = am.newIncr(filename);
        this._createEmpty(this._aofPath(incrName));
        node.log('notice', `Creating AOF incr file ${incrName} on background rewrite`);
      }
      const baseName = am.newBase(filename, node.config.getBool('aof-use-rdb-preamble'));
      const base = this._baseContents();
      storage.writeAtomic(this._aofPath(baseName), base);
      node.log('notice', `Successfully created the temporary AOF base file ${baseName}`);
      am.markRewrittenIncrAsHistory(this.aofOn);
      this._persistManifest(am);
      if (this.aofOn) this._syncAof();
      this.manifest = am;
      if (incrName !== null) {
        this._openIncr(incrName);
        this.aofCurrentSize = base.length;
      }
      this.aofBaseSize = base.length;
      this._deleteHistoryFiles();
      return true;
    } catch (e) {
      node.log('warning', `Write error writing append only file on disk: ${_message(e)}`);
      return false;
    }
  }

  /** Starts the AOF at runtime (startAppendOnly): a rewrite that writes a base of the current data. */
  private _startAppendOnly(): void {
    this.aofOn = true;
    this.aofWriteOk = true;
    this.aofLastFsyncSecond = Math.floor(this.node.now() / 1000);
    if (!this.rewriteAof()) {
      this.aofOn = false;
      this.node.log(
        'warning',
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
      );
    }
  }

  /** Stops the AOF at runtime (stopAppendOnly): flush, fsync, forget the buffer. */
  private _stopAppendOnly(): void {
    this.flushAof();
    this._syncAof();
    this.aofOn = false;
    this.aofSelectedDb = -1;
    this.aofBuffer.take();
    this.incrPath = '';
    this.aofIncrSize = 0;
    this.aofIncrSyncedSize = 0;
  }

  private _configChanged(name: string, value: string): void {
    if (name === 'appendfsync') this.fsyncPolicy = value;
    if (!this.started || name !== 'appendonly') return;
    if (value === 'yes' && !this.aofOn) this._startAppendOnly();
    else if (value === 'no' && this.aofOn) this._stopAppendOnly();
  }
}

// --- internal ---

/** CLIENT_ID_AOF: the fake client's id, which no connection ever gets. */
const _AOF_CLIENT_ID = Number.MAX_SAFE_INTEGER;

/** The AOF loading client (createAOFClient): authenticated, unconnected, never blocked, not counted as a connection. */
function _aofClient(node: RedisNode): ClientSession {
  const fake = new ClientSession(node, null, _AOF_CLIENT_ID);
  fake.authenticated = true;
  fake.denyBlocking = true;
  return fake;
}

/** Runs a handler the way AOF loading does (cmd->proc): no stats, no reply, command errors ignored. */
function _runQuietly(c: ClientSession, handler: CommandHandler, args: string[]): void {
  c.propagateAs = null;
  try {
    handler(c, args);
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
  }
}

/** A rough used_memory figure for the `used-mem` AUX field. */
function _usedMemory(node: RedisNode): number {
  let keys = 0;
  for (const db of node.databases) keys += db.size;
  return 866_000 + keys * 120;
}

function _seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function _message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
