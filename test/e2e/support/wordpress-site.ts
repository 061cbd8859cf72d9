import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { access, constants, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { mariadbUnavailable, ScratchMysqlDatabase, TEST_MYSQL_URL } from "../../support/mariadb.js";
import { freePort, waitForPort } from "./network.js";

const run = promisify(execFile);

/** Debian's `wordpress` package: the code, and the folder of its per-site config files. */
export const WORDPRESS_DIR = "/usr/share/wordpress";
const CONFIG_DIR = "/etc/wordpress";

/** The plugin under test, in this project. */
export const PLUGIN_DIR = fileURLToPath(
  new URL("../../../connectors/wordpress/civilink", import.meta.url),
);
const ROUTER = fileURLToPath(new URL("./wordpress-router.php", import.meta.url));

/** Marks the JSON result of a PHP snippet in its output (WordPress may print notices before). */
const RESULT_MARKER = "@@civilink-e2e-result@@";

export type ConstantValue = string | number | boolean;

let phpCheck: Promise<string | null> | null = null;
let check: Promise<string | null> | null = null;

/** Null when the PHP command line runs here; else why not. */
export function phpUnavailable(): Promise<string | null> {
  phpCheck ??= run("php", ["-v"]).then(
    () => null,
    (cause: Error) => `PHP is missing (install php-cli): ${cause.message}`,
  );
  return phpCheck;
}

/** Whether to run the tests that need PHP: they may skip with a printed reason, never under CI. */
export async function shouldRunPhp(): Promise<boolean> {
  const reason = await phpUnavailable();
  if (reason === null) return true;
  if (process.env.CI) throw new Error(`CI is set, so the PHP tests must run: ${reason}`);
  console.warn(`Skipping the PHP tests: ${reason}`);
  return false;
}

/** Null when a WordPress site can be installed and served here; else why not. */
export function wordpressUnavailable(): Promise<string | null> {
  check ??= (async () => {
    const php = await phpUnavailable();
    if (php !== null) return php;
    try {
      await run("php", ["-r", 'exit(extension_loaded("mysqli") ? 0 : 3);']);
    } catch {
      return "PHP has no mysqli extension (install php-mysql)";
    }
    if (!existsSync(join(WORDPRESS_DIR, "wp-load.php"))) {
      return `WordPress is missing: no ${WORDPRESS_DIR}/wp-load.php (install Debian's wordpress)`;
    }
    try {
      await access(CONFIG_DIR, constants.W_OK);
    } catch {
      return `${CONFIG_DIR} is not writable, so no test site can be configured`;
    }
    return mariadbUnavailable();
  })();
  return check;
}

/** Whether to run the WordPress tests: they may skip with a printed reason, never under CI. */
export async function shouldRunWordPress(): Promise<boolean> {
  const reason = await wordpressUnavailable();
  if (reason === null) return true;
  if (process.env.CI) throw new Error(`CI is set, so the WordPress tests must run: ${reason}`);
  console.warn(`Skipping the WordPress tests: ${reason}`);
  return false;
}

const phpString = (value: string) => `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
const phpValue = (value: ConstantValue) =>
  typeof value === "string"
    ? phpString(value)
    : typeof value === "number"
      ? `${value}`
      : `${value}`;

export interface SiteOptions {
  /** Constants of the civilink plugin (or any other) for wp-config.php. */
  constants: Record<string, ConstantValue>;
  /** Must-use plugins of the site, by file name: PHP code without the opening tag. */
  muPlugins?: Record<string, string>;
  adminPassword?: string;
}

/**
 * A fresh WordPress site of Debian's package: a MariaDB database, a config file and a plugin
 * folder of its own (linking to the plugin of this project), served by `php -S`.
 */
export class WordPressSite {
  readonly adminUser = "admin";
  readonly adminEmail = "site-admin@example.org";
  readonly adminPassword: string;
  private server: ChildProcess | null = null;
  private serverOutput = "";
  private cliErrors = "";
  private snippets = 0;
  private readonly constantsInUse: Record<string, ConstantValue>;

  private constructor(
    readonly configName: string,
    readonly port: number,
    readonly dir: string,
    private readonly database: ScratchMysqlDatabase,
    options: SiteOptions,
  ) {
    this.adminPassword = options.adminPassword ?? `pw-${randomBytes(6).toString("hex")}`;
    this.constantsInUse = { ...options.constants };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pluginDir(): string {
    return join(this.dir, "plugins");
  }

  private get configFile(): string {
    return join(CONFIG_DIR, `config-${this.configName}.php`);
  }

  /** Creates, installs and serves a site; the plugin is there but not active. */
  static async create(options: SiteOptions): Promise<WordPressSite> {
    const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
    const dir = await mkdtemp(join(tmpdir(), "civilink-wp-"));
    const database = new ScratchMysqlDatabase();
    const site = new WordPressSite(
      `civilink-e2e-${suffix}`,
      await freePort(),
      dir,
      database,
      options,
    );
    try {
      await database.sql();
      await mkdir(site.pluginDir);
      await mkdir(join(dir, "mu-plugins"));
      await symlink(PLUGIN_DIR, join(site.pluginDir, "civilink"));
      // There is no sendmail here: WordPress would fail to send its notices.
      const muPlugins = {
        "no-mail.php": "add_filter( 'pre_wp_mail', '__return_true' );",
        ...options.muPlugins,
      };
      for (const [file, code] of Object.entries(muPlugins)) {
        await writeFile(join(dir, "mu-plugins", file), `<?php\n${code}\n`);
      }
      await site.writeConfig();
      await site.install();
      await site.startServer();
      return site;
    } catch (cause) {
      await site.close();
      throw cause;
    }
  }

  /** Changes constants of the config file; every later request and snippet reads the new ones. */
  async setConstants(changes: Record<string, ConstantValue | null>): Promise<void> {
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete this.constantsInUse[name];
      else this.constantsInUse[name] = value;
    }
    await this.writeConfig();
  }

  private async writeConfig(): Promise<void> {
    const mysql = new URL(TEST_MYSQL_URL);
    const salts = [
      "AUTH_KEY",
      "SECURE_AUTH_KEY",
      "LOGGED_IN_KEY",
      "NONCE_KEY",
      "AUTH_SALT",
      "SECURE_AUTH_SALT",
      "LOGGED_IN_SALT",
      "NONCE_SALT",
    ];
    const constantsOfSite: Record<string, ConstantValue> = {
      DB_NAME: this.database.name,
      DB_USER: decodeURIComponent(mysql.username) || "root",
      DB_PASSWORD: decodeURIComponent(mysql.password),
      DB_HOST: `${mysql.hostname}:${mysql.port || "3306"}`,
      WP_HOME: this.url,
      WP_SITEURL: this.url,
      WP_PLUGIN_DIR: this.pluginDir,
      WP_PLUGIN_URL: `${this.url}/e2e-plugins`,
      WPMU_PLUGIN_DIR: join(this.dir, "mu-plugins"),
      WP_HTTP_BLOCK_EXTERNAL: true,
      WP_ACCESSIBLE_HOSTS: "127.0.0.1,localhost",
      DISABLE_WP_CRON: true,
      AUTOMATIC_UPDATER_DISABLED: true,
      WP_DEBUG: false,
      ...Object.fromEntries(salts.map((name) => [name, `${name}-${this.configName}`])),
      ...this.constantsInUse,
    };
    const lines = Object.entries(constantsOfSite).map(
      ([name, value]) => `define( ${phpString(name)}, ${phpValue(value)} );`,
    );
    await writeFile(this.configFile, `<?php\n${lines.join("\n")}\n$table_prefix = 'wp_';\n`);
  }

  private async install(): Promise<void> {
    await this.php(
      `require_once ABSPATH . 'wp-admin/includes/upgrade.php';
      $result = wp_install( 'civilink test site', ${phpString(this.adminUser)}, ${phpString(this.adminEmail)}, true, '', ${phpString(this.adminPassword)} );
      return $result['user_id'];`,
      { installing: true },
    );
  }

  private async startServer(): Promise<void> {
    const child = spawn("php", ["-S", `127.0.0.1:${this.port}`, "-t", WORDPRESS_DIR, ROUTER], {
      detached: true,
      env: {
        PATH: process.env.PATH ?? "",
        WORDPRESS_CONFIG: this.configName,
        E2E_PLUGIN_DIR: this.pluginDir,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.server = child;
    child.stdout?.on("data", (chunk) => (this.serverOutput += chunk));
    child.stderr?.on("data", (chunk) => (this.serverOutput += chunk));
    await waitForPort(this.port, 20_000, () => child.exitCode !== null);
    if (child.exitCode !== null) {
      throw new Error(`php -S exited with ${child.exitCode}:\n${this.serverOutput}`);
    }
  }

  /**
   * The PHP error log of the site: what `php -S` printed (its request lines and the log of web
   * requests) and what the snippets wrote to stderr.
   */
  phpLog(): string {
    return `${this.serverOutput}\n${this.cliErrors}`;
  }

  /**
   * Runs PHP in the site's context (wp-load.php and the admin's user and plugin functions
   * loaded) and returns what the code returns, through JSON. Output of the code is ignored.
   */
  async php<T = unknown>(
    code: string,
    options: { installing?: boolean; installingNetwork?: boolean } = {},
  ): Promise<{ value: T; stderr: string }> {
    const file = join(this.dir, `snippet-${++this.snippets}.php`);
    await writeFile(
      file,
      `<?php
$_SERVER['WORDPRESS_CONFIG'] = ${phpString(this.configName)};
$_SERVER['HTTP_HOST'] = ${phpString(`127.0.0.1:${this.port}`)};
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
${options.installing ? "define( 'WP_INSTALLING', true );" : ""}
${options.installingNetwork ? "define( 'WP_INSTALLING_NETWORK', true );" : ""}
require ${phpString(join(WORDPRESS_DIR, "wp-load.php"))};
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
$civilink_e2e_result = ( static function () {
${code}
} )();
echo "\\n" . ${phpString(RESULT_MARKER)} . wp_json_encode( $civilink_e2e_result ) . "\\n";
`,
    );
    let stdout: string;
    let stderr: string;
    try {
      ({ stdout, stderr } = await run("php", [file], {
        cwd: this.dir,
        env: { PATH: process.env.PATH ?? "" },
        maxBuffer: 64 * 1024 * 1024,
      }));
    } catch (cause) {
      const failed = cause as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `PHP failed: ${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`,
      );
    } finally {
      await rm(file, { force: true });
    }
    this.cliErrors += stderr;
    const at = stdout.lastIndexOf(RESULT_MARKER);
    if (at < 0) throw new Error(`PHP printed no result:\n${stdout}\n${stderr}`);
    return {
      value: JSON.parse(stdout.slice(at + RESULT_MARKER.length)) as T,
      stderr,
    };
  }

  /** Runs PHP and returns only its value (see php()). */
  async eval<T = unknown>(code: string): Promise<T> {
    return (await this.php<T>(code)).value;
  }

  /**
   * Turns the site into a network of sites in folders (as Tools → Network Setup and the
   * constants it asks for do); the site becomes its main site, `/`.
   */
  async makeNetwork(): Promise<void> {
    const domain = `127.0.0.1:${this.port}`;
    const { value: error } = await this.php<string[] | null>(
      // The network's tables are not known to $wpdb until the site is a network: name them here.
      `global $wpdb;
      require_once ABSPATH . 'wp-admin/includes/upgrade.php';
      require_once ABSPATH . 'wp-admin/includes/network.php';
      foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed ) {
        $wpdb->$table = $prefixed;
      }
      install_network();
      $result = populate_network( 1, ${phpString(domain)}, ${phpString(this.adminEmail)}, 'civilink test network', '/', false );
      return is_wp_error( $result ) ? $result->get_error_messages() : null;`,
      { installingNetwork: true },
    );
    if (error !== null) throw new Error(`populate_network failed: ${error.join(" ")}`);
    await this.setConstants({
      MULTISITE: true,
      SUBDOMAIN_INSTALL: false,
      DOMAIN_CURRENT_SITE: domain,
      PATH_CURRENT_SITE: "/",
      SITE_ID_CURRENT_SITE: 1,
      BLOG_ID_CURRENT_SITE: 1,
    });
  }

  async activatePlugin(options: { networkWide?: boolean } = {}): Promise<void> {
    const error = await this.eval<string | null>(
      `$result = activate_plugin( 'civilink/civilink.php', '', ${options.networkWide ? "true" : "false"} );
      return is_wp_error( $result ) ? $result->get_error_message() : null;`,
    );
    if (error !== null) throw new Error(`activate_plugin failed: ${error}`);
  }

  /** Stops the server, removes the config file, the folder and the database. */
  async close(): Promise<void> {
    const server = this.server;
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      process.kill(-server.pid, "SIGTERM");
      await exited;
    }
    await rm(this.configFile, { force: true });
    await rm(this.dir, { recursive: true, force: true });
    await this.database.drop();
  }
}
