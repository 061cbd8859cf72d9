import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, fieldValue, formHtml } from "./support/browser.js";
import { CivilinkApi, primaryEmail } from "./support/civilink-api.js";
import { type CivilinkProcess, startCivilink } from "./support/civilink-process.js";
import { answeringServer, freePort, silentServer } from "./support/network.js";
import { shouldRunWordPress, WordPressSite } from "./support/wordpress-site.js";

const PLUGIN_KEY = "wp-events-key-7f3a9c";
const ADMIN_KEY = "ops-admin-key-4b81de";
const PASSWORD = "correct horse battery";

/** Users that exist before the plugin is activated: none of them is linked by that. */
const EARLIER_USERS = {
  early: { email: "Erin.Earlybird@Example.org", firstName: "Erin", lastName: "Earlybird" },
  offline: { email: "Olive.Offline@Example.org", firstName: "Olive", lastName: "Offline" },
  patient: { email: "Patrice.Patience@Example.org", firstName: "Patrice", lastName: "Patience" },
  member: { email: "Amelia.Memberson@Example.org", firstName: "Amelia", lastName: "Memberson" },
  misrouted: { email: "Milo.Misrouted@Example.org", firstName: "Milo", lastName: "Misrouted" },
};

/** Everything personal the tests hand to WordPress: none of it may reach a log. */
const PERSONAL = [
  ...Object.values(EARLIER_USERS).flatMap((user) => [user.email, user.firstName, user.lastName]),
  "Reg.Istrant@Example.org",
  "Ada.Lovelace@Example.org",
  "Lovelace",
  "ada.countess@example.org",
  "ada@crm.example.org",
  "Ephemeral.User@Example.org",
  "Visitor@Example.org",
  "Vera",
  "Visitor",
  PLUGIN_KEY,
  PASSWORD,
];

interface QueuedEvent {
  user_id: string;
  event: string;
  attempts: string;
  next_attempt_at: string;
}

interface QueueRun {
  delivered: number;
  dropped: number;
  failed: number;
  waiting: number;
  reachable: boolean;
  applied: number;
}

const run = await shouldRunWordPress();

describe.skipIf(!run)("the civilink plugin on WordPress 6.1 (Debian, PHP 8.2, MariaDB)", () => {
  let site: WordPressSite;
  let civilink: CivilinkProcess;
  let civilinkPort: number;
  let dataDir: string;
  const api = new CivilinkApi(() => `http://127.0.0.1:${civilinkPort}`, ADMIN_KEY);

  const startCivilinkHere = async () => {
    civilink = await startCivilink(civilinkPort, {
      CIVILINK_DATA_DIR: dataDir,
      CIVILINK_CMS: "wordpress",
      CIVILINK_API_KEYS: `wp:${PLUGIN_KEY}:events+read,ops:${ADMIN_KEY}:admin`,
    });
  };

  const userId = (login: string) =>
    site.eval<number>(`return (int) get_user_by( 'login', '${login}' )->ID;`);

  const queue = () =>
    site.eval<QueuedEvent[]>(
      `global $wpdb;
      return $wpdb->get_results( "SELECT user_id, event, attempts, next_attempt_at FROM {$wpdb->prefix}civilink_queue ORDER BY id", ARRAY_A );`,
    );

  const processQueue = () => site.eval<QueueRun>("return civilink_process_queue();");

  const insertUser = (login: string, email: string, first = "", last = "") =>
    site.eval<number>(
      `$id = wp_insert_user( array( 'user_login' => '${login}', 'user_email' => '${email}', 'first_name' => '${first}', 'last_name' => '${last}', 'user_pass' => '${PASSWORD}' ) );
      return is_wp_error( $id ) ? $id->get_error_message() : $id;`,
    );

  const logInAsAdmin = async () => {
    const browser = new Browser(site.url);
    const answer = await browser.logIn(site.adminUser, site.adminPassword);
    expect(answer.status).toBe(302);
    return browser;
  };

  beforeAll(async () => {
    civilinkPort = await freePort();
    dataDir = await mkdtemp(join(tmpdir(), "civilink-e2e-data-"));
    site = await WordPressSite.create({
      constants: {
        CIVILINK_URL: `http://127.0.0.1:${civilinkPort}`,
        CIVILINK_API_KEY: PLUGIN_KEY,
        CIVILINK_DOMAIN_ID: 1,
      },
    });
    for (const [login, user] of Object.entries(EARLIER_USERS)) {
      expect(await insertUser(login, user.email, user.firstName, user.lastName)).toBeTypeOf(
        "number",
      );
    }
    await site.activatePlugin();
    await startCivilinkHere();
  }, 120_000);

  afterAll(async () => {
    await civilink?.stop();
    await site?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("activation creates the queue table and runs civilink_cron every minute", async () => {
    const state = await site.eval<{ table: string | null; schedule: string | false }>(
      `global $wpdb;
      return array(
        'table'    => $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'civilink_queue' ) ),
        'schedule' => wp_get_schedule( 'civilink_cron' ),
      );`,
    );
    expect(state).toEqual({ table: "wp_civilink_queue", schedule: "civilink_every_minute" });
    expect(await queue()).toEqual([]);
    // Activation itself tells civilink nothing: the users from before are linked by their events.
    expect(await api.link(await userId("early"))).toBeNull();
  });

  it("runs one queue run at a time", async () => {
    const answer = await site.eval<string>(
      `global $wpdb;
      // Another process holding the run's lock, on a connection of its own.
      $other = new wpdb( DB_USER, DB_PASSWORD, DB_NAME, DB_HOST );
      $other->get_var( $other->prepare( 'SELECT GET_LOCK(%s, 0)', 'civilink_queue_' . md5( DB_NAME . '.' . $wpdb->prefix ) ) );
      $result = civilink_process_queue();
      return is_wp_error( $result ) ? $result->get_error_code() : 'ran';`,
    );
    expect(answer).toBe("civilink_queue_busy");
    expect(await processQueue()).toMatchObject({ reachable: true, waiting: 0 });
  });

  it("registration through wp-login.php?action=register links the new user", async () => {
    await site.eval("update_option( 'users_can_register', 1 ); return true;");
    const browser = new Browser(site.url);
    const form = await browser.get("/wp-login.php?action=register");
    expect(form.status).toBe(200);
    const answer = await browser.post("/wp-login.php?action=register", {
      user_login: "registrant",
      user_email: "Reg.Istrant@Example.org",
      redirect_to: "",
      "wp-submit": "Register",
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toContain("checkemail=registered");

    const id = await userId("registrant");
    const link = await api.link(id);
    expect(link).toMatchObject({ userId: id, ufName: "Reg.Istrant@Example.org" });
    const contact = await api.contact(link!.contactId);
    expect(primaryEmail(contact)).toBe("reg.istrant@example.org");
    // WordPress's profile_update after the registration was answered `unchanged`: one contact.
    expect(await api.contactsByEmail("reg.istrant@example.org")).toHaveLength(1);
    await civilink.settled();
    expect(civilink.requests()).toContainEqual({
      method: "POST",
      url: `/v1/domains/1/users/${id}/registered`,
      status: 200,
    });
    expect(await queue()).toEqual([]);
  });

  it("wp_insert_user links the user to a contact named from usermeta", async () => {
    const id = await insertUser("ada", "Ada.Lovelace@Example.org", "Ada", "Lovelace");
    expect(id).toBeTypeOf("number");
    const link = await api.link(id);
    expect(link?.ufName).toBe("Ada.Lovelace@Example.org");
    const contact = await api.contact(link!.contactId);
    expect(contact).toMatchObject({
      firstName: "Ada",
      lastName: "Lovelace",
      displayName: "Ada Lovelace",
    });
    expect(primaryEmail(contact)).toBe("ada.lovelace@example.org");
  });

  it("login through the wp-login.php form links a user created before the plugin", async () => {
    const id = await userId("early");
    expect(await api.link(id)).toBeNull();

    const browser = new Browser(site.url);
    const answer = await browser.logIn("early", PASSWORD);
    expect(answer.status).toBe(302);
    expect(answer.location).toContain("/wp-admin/");
    expect(browser.cookieNames().some((name) => name.startsWith("wordpress_logged_in_"))).toBe(
      true,
    );

    const link = await api.link(id);
    expect(link?.ufName).toBe("Erin.Earlybird@Example.org");
    const contact = await api.contact(link!.contactId);
    expect(contact).toMatchObject({ firstName: "Erin", lastName: "Earlybird" });
  });

  it("an admin changing a user's email in user-edit.php changes the contact's primary email", async () => {
    const id = await userId("ada");
    const before = await api.link(id);
    const browser = await logInAsAdmin();
    const form = await browser.get(`/wp-admin/user-edit.php?user_id=${id}`);
    expect(form.status).toBe(200);
    const answer = await browser.post("/wp-admin/user-edit.php", {
      _wpnonce: fieldValue(form.body, "_wpnonce"),
      _wp_http_referer: fieldValue(form.body, "_wp_http_referer"),
      action: "update",
      user_id: String(id),
      checkuser_id: fieldValue(form.body, "checkuser_id"),
      email: "ada.countess@example.org",
      nickname: fieldValue(form.body, "nickname"),
      first_name: "Ada",
      last_name: "Lovelace",
      display_name: "Ada Lovelace",
      submit: "Update User",
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toContain("updated=1");
    expect(await site.eval(`return get_userdata( ${id} )->user_email;`)).toBe(
      "ada.countess@example.org",
    );

    const link = await api.link(id);
    expect(link).toMatchObject({
      contactId: before!.contactId,
      ufName: "ada.countess@example.org",
    });
    expect(primaryEmail(await api.contact(before!.contactId))).toBe("ada.countess@example.org");
  });

  it("the CRM's new primary email reaches the user through civilink_process_queue, and is not sent back", async () => {
    const id = await userId("ada");
    const link = await api.link(id);
    const patched = await api.call("PATCH", `/v1/contacts/${link!.contactId}`, {
      primaryEmail: "ada@crm.example.org",
    });
    expect(patched.status).toBe(200);

    await civilink.settled();
    const before = civilink.requests().length;
    const first = await processQueue();
    expect(first).toMatchObject({ delivered: 0, applied: 1, waiting: 0, reachable: true });
    expect(await site.eval(`return get_userdata( ${id} )->user_email;`)).toBe(
      "ada@crm.example.org",
    );
    await civilink.settled();
    const during = civilink.requests().slice(before);
    expect(during.filter((request) => request.url.startsWith("/v1/domains/1/outbox"))).toHaveLength(
      1,
    );
    expect(during.filter((request) => request.method !== "GET")).toEqual([]);

    // The event applied is remembered: the next run applies nothing again.
    expect(await processQueue()).toMatchObject({ applied: 0 });
    const entries = await api.audit(id);
    expect(entries.filter((entry) => entry.trigger === "profile-update")).toHaveLength(1);
    expect(await api.link(id)).toMatchObject({ ufName: "ada@crm.example.org" });
  });

  it("with civilink stopped, the login form still logs in at once; once it is back, the queue delivers in order", async () => {
    const offline = await userId("offline");
    const registrant = await api.link(await userId("registrant"));
    await civilink.stop();

    const browser = new Browser(site.url);
    const login = await browser.logIn("offline", PASSWORD);
    expect(login.status).toBe(302);
    expect(login.location).toContain("/wp-admin/");
    expect(login.ms).toBeLessThan(2_000);
    console.info(`login with civilink stopped: ${Math.round(login.ms)} ms`);

    // A user who registers and is deleted while civilink is down: both wait, in that order.
    const ephemeral = await insertUser("ephemeral", "Ephemeral.User@Example.org");
    await site.eval(`return wp_delete_user( ${ephemeral} );`);
    expect((await queue()).map((event) => [Number(event.user_id), event.event])).toEqual([
      [offline, "logged-in"],
      [ephemeral, "registered"],
      [ephemeral, "deleted"],
    ]);

    // A run while civilink is still down backs off: the next attempt is a minute later.
    const down = await processQueue();
    expect(down).toMatchObject({ delivered: 0, failed: 1, reachable: false, waiting: 3 });
    const [head] = await queue();
    expect(head?.attempts).toBe("1");
    const wait = Date.parse(`${head?.next_attempt_at.replace(" ", "T")}Z`) - Date.now();
    expect(wait).toBeGreaterThan(45_000);
    expect(wait).toBeLessThanOrEqual(61_000);
    // The next run tries the next user's events only; the first user's wait their turn.
    expect(await processQueue()).toMatchObject({ failed: 1, reachable: false, waiting: 3 });
    expect((await queue()).map((event) => event.attempts)).toEqual(["1", "1", "0"]);
    expect(await processQueue()).toMatchObject({ failed: 0, waiting: 3 });

    await startCivilinkHere();
    // civilink answers again (and the pause after its outage is over), but the user's login still
    // waits in the queue: their next event must wait behind it.
    await site.eval("delete_option( 'civilink_unreachable_until' ); return true;");
    await site.eval(
      `return wp_update_user( array( 'ID' => ${offline}, 'last_name' => 'Offline-Again' ) );`,
    );
    expect((await queue()).map((event) => [Number(event.user_id), event.event])).toEqual([
      [offline, "logged-in"],
      [ephemeral, "registered"],
      [ephemeral, "deleted"],
      [offline, "profile"],
    ]);

    // As if the minute had passed.
    await site.eval(
      `global $wpdb;
      return $wpdb->query( "UPDATE {$wpdb->prefix}civilink_queue SET next_attempt_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND" );`,
    );
    expect(await processQueue()).toMatchObject({ delivered: 4, failed: 0, waiting: 0 });

    expect(await api.link(offline)).toMatchObject({ ufName: "Olive.Offline@Example.org" });
    // The login linked them, as it happened first; the profile update that followed changed nothing.
    expect(await api.audit(offline)).toMatchObject([
      { action: "created-contact", trigger: "login" },
    ]);
    expect(await api.link(ephemeral)).toBeNull();
    expect((await api.audit(ephemeral)).map((entry) => entry.action)).toEqual([
      "created-contact",
      "unlinked",
    ]);
    // What civilink had before it stopped is still there.
    expect(await api.link(await userId("registrant"))).toEqual(registrant);
  }, 90_000);

  it("with civilink hanging, the login form waits CIVILINK_TIMEOUT at most and queues the login", async () => {
    const patient = await userId("patient");
    const hanging = await silentServer();
    try {
      await site.setConstants({
        CIVILINK_URL: `http://127.0.0.1:${hanging.port}`,
        CIVILINK_TIMEOUT: 1,
      });
      const browser = new Browser(site.url);
      const login = await browser.logIn("patient", PASSWORD);
      expect(login.status).toBe(302);
      expect(login.location).toContain("/wp-admin/");
      console.info(`login with civilink hanging, timeout 1 s: ${Math.round(login.ms)} ms`);
      expect(login.ms).toBeGreaterThanOrEqual(950);
      expect(login.ms).toBeLessThan(3_000);
      expect((await queue()).map((event) => [Number(event.user_id), event.event])).toEqual([
        [patient, "logged-in"],
      ]);
    } finally {
      await site.setConstants({
        CIVILINK_URL: `http://127.0.0.1:${civilinkPort}`,
        CIVILINK_TIMEOUT: null,
      });
      await hanging.close();
    }
    expect(await processQueue()).toMatchObject({ delivered: 1, waiting: 0 });
    expect(await api.link(patient)).toMatchObject({ ufName: "Patrice.Patience@Example.org" });
  });

  it("an event civilink answers with 503 or 429 is queued and delivered later", async () => {
    const ids = [await userId("offline"), await userId("patient")];
    for (const [index, [status, kind]] of [
      [503, "StoreUnavailable"],
      [429, "RateLimited"],
    ].entries()) {
      const answering = await answeringServer(Number(status), String(kind));
      try {
        await site.setConstants({ CIVILINK_URL: `http://127.0.0.1:${answering.port}` });
        const login = await new Browser(site.url).logIn(
          index === 0 ? "offline" : "patient",
          PASSWORD,
        );
        expect(login.status).toBe(302);
      } finally {
        await site.setConstants({ CIVILINK_URL: `http://127.0.0.1:${civilinkPort}` });
        await answering.close();
      }
    }
    expect((await queue()).map((event) => [Number(event.user_id), event.event])).toEqual([
      [ids[0], "logged-in"],
      [ids[1], "logged-in"],
    ]);
    expect(await processQueue()).toMatchObject({ delivered: 2, waiting: 0 });
  });

  it("wp_delete_user unlinks the user and keeps the contact", async () => {
    const id = await userId("early");
    const link = await api.link(id);
    expect(link).not.toBeNull();
    expect(await site.eval(`return wp_delete_user( ${id} );`)).toBe(true);
    expect(await api.link(id)).toBeNull();
    expect((await api.contact(link!.contactId)).id).toBe(link!.contactId);
  });

  it("other plugins record interactions of the logged-in user and of visitors", async () => {
    const member = await userId("member");
    const logged = await site.eval<{ outcome: string; contactId: number }>(
      `wp_set_current_user( ${member} );
      return civilink_record_interaction( 'contribution' );`,
    );
    expect(logged.outcome).toBe("created-contact");
    expect(await api.link(member)).toMatchObject({ contactId: logged.contactId });

    const visitor = await site.eval<{ outcome: string; contactId: number }>(
      "return civilink_record_anonymous_interaction( 'contribution', 'Visitor@Example.org', 'Vera', 'Visitor' );",
    );
    expect(visitor.outcome).toBe("contact-created");
    const [contact] = await api.contactsByEmail("visitor@example.org");
    expect(contact).toMatchObject({
      id: visitor.contactId,
      firstName: "Vera",
      lastName: "Visitor",
    });

    expect(
      await site.eval(
        "$result = civilink_record_anonymous_interaction( 'gift', 'Visitor@Example.org' ); return $result->get_error_code();",
      ),
    ).toBe("civilink_invalid_kind");
    expect(
      await site.eval(
        "wp_set_current_user( 0 ); return civilink_record_interaction( 'event' )->get_error_code();",
      ),
    ).toBe("civilink_not_logged_in");
  });

  it("an event civilink refuses is dropped, not queued, and logged without personal data", async () => {
    const id = await userId("misrouted");
    await site.setConstants({ CIVILINK_DOMAIN_ID: 99 });
    try {
      const login = await new Browser(site.url).logIn("misrouted", PASSWORD);
      expect(login.status).toBe(302);
    } finally {
      await site.setConstants({ CIVILINK_DOMAIN_ID: 1 });
    }
    expect(await queue()).toEqual([]);
    expect(await api.link(id)).toBeNull();
    expect(site.phpLog()).toContain(
      `civilink: dropped a logged-in event of user ${id}: civilink answered 404 DomainNotFound`,
    );
  });

  it("Settings → civilink shows the constants read-only and tests the connection", async () => {
    const browser = await logInAsAdmin();
    const page = await browser.get("/wp-admin/options-general.php?page=civilink");
    expect(page.status).toBe(200);
    expect(page.body).toContain("Set by <code>CIVILINK_URL</code> in wp-config.php.");
    expect(page.body).toContain("Set by <code>CIVILINK_API_KEY</code> in wp-config.php.");
    expect(page.body).toContain("<code>events</code> and <code>read</code>");
    expect(page.body).not.toContain(PLUGIN_KEY);

    const tested = await browser.post("/wp-admin/options-general.php?page=civilink", {
      _wpnonce: fieldValue(formHtml(page.body, "civilink-test-connection-form"), "_wpnonce"),
      civilink_test_connection: "1",
    });
    expect(tested.status).toBe(200);
    expect(tested.body).toContain(
      "Connected to civilink: domain 1 &quot;Default&quot; (CMS wordpress).",
    );
    expect(tested.body).toContain("The key may send user events (scope events).");
    expect(tested.body).toContain("The key may not synchronize users");

    // The timeout has no constant on this site: the page saves it.
    const saved = await browser.post("/wp-admin/options.php", {
      option_page: "civilink",
      action: "update",
      _wpnonce: fieldValue(formHtml(page.body, "civilink-settings-form"), "_wpnonce"),
      _wp_http_referer: "/wp-admin/options-general.php?page=civilink",
      "civilink_settings[timeout]": "1.5",
    });
    expect(saved.status).toBe(302);
    expect(await site.eval("return civilink_setting( 'timeout' );")).toBe(1.5);
  });

  it("nothing personal reaches the PHP error log", () => {
    const log = site.phpLog();
    expect(log).toContain("civilink: ");
    for (const value of PERSONAL) expect(log).not.toContain(value);
  });

  it("uninstalling removes the queue table, the options and the schedule", async () => {
    const left = await site.eval<{ table: string | null; options: string[]; cron: boolean }>(
      `global $wpdb;
      deactivate_plugins( 'civilink/civilink.php' );
      uninstall_plugin( 'civilink/civilink.php' );
      return array(
        'table'   => $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'civilink_queue' ) ),
        'options' => $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'civilink%'" ),
        'cron'    => (bool) wp_next_scheduled( 'civilink_cron' ),
      );`,
    );
    expect(left).toEqual({ table: null, options: [], cron: false });
  });
});
