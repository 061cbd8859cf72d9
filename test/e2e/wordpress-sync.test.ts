import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, fieldValue, formHtml, type Page } from "./support/browser.js";
import { CivilinkApi, primaryEmail } from "./support/civilink-api.js";
import { type CivilinkProcess, startCivilink } from "./support/civilink-process.js";
import { freePort } from "./support/network.js";
import { shouldRunWordPress, WordPressSite } from "./support/wordpress-site.js";

const PLUGIN_KEY = "wp-sync-key-91c2aa";
const USERS = 1000;
const PASSWORD = "members only";
/** Users per import request on this site, so that 1,001 users take four requests. */
const BATCH = 300;

interface BrowserJob {
  id: string;
  status: string;
  processed: number;
  total: number;
  message: string;
  html: string;
}

interface AjaxAnswer<T> {
  success: boolean;
  data: T;
}

const run = await shouldRunWordPress();

describe.skipIf(!run)("Synchronize Users to Contacts on a WordPress site of 1,000 users", () => {
  let site: WordPressSite;
  let civilink: CivilinkProcess;
  const api = new CivilinkApi(() => civilink.url, PLUGIN_KEY);

  const importRequests = async () => {
    await civilink.settled();
    return civilink.requests().filter((request) => request.url === "/v1/domains/1/users/import");
  };

  const ajax = async <T>(browser: Browser, fields: Record<string, string>) => {
    const answer = await browser.post("/wp-admin/admin-ajax.php", fields);
    expect(answer.status).toBe(200);
    const parsed = JSON.parse(answer.body) as AjaxAnswer<T>;
    expect(parsed.success).toBe(true);
    return parsed.data;
  };

  beforeAll(async () => {
    const port = await freePort();
    site = await WordPressSite.create({
      constants: {
        CIVILINK_URL: `http://127.0.0.1:${port}`,
        CIVILINK_API_KEY: PLUGIN_KEY,
        CIVILINK_DOMAIN_ID: 1,
      },
      muPlugins: {
        "batch-size.php": `add_filter( 'civilink_import_batch_size', static function () { return ${BATCH}; } );`,
      },
    });
    // The users exist before the plugin: written straight to the tables, as an old site has them.
    // Every second user has a first and last name.
    const created = await site.eval<number>(
      `global $wpdb;
      $hash = wp_hash_password( '${PASSWORD}' );
      $now  = gmdate( 'Y-m-d H:i:s' );
      for ( $start = 1; $start <= ${USERS}; $start += 250 ) {
        $users = array();
        for ( $n = $start; $n < $start + 250; $n++ ) {
          $users[] = $wpdb->prepare( '(%s, %s, %s, %s, %s, %s)', "member$n", $hash, "member$n", "Member.$n@Example.org", $now, "member$n" );
        }
        $wpdb->query( "INSERT INTO {$wpdb->users} (user_login, user_pass, user_nicename, user_email, user_registered, display_name) VALUES " . implode( ',', $users ) );
      }
      $ids  = $wpdb->get_col( "SELECT ID FROM {$wpdb->users} WHERE user_login LIKE 'member%' ORDER BY ID" );
      $meta = array();
      foreach ( $ids as $index => $id ) {
        $n      = $index + 1;
        $meta[] = $wpdb->prepare( '(%d, %s, %s)', $id, $wpdb->prefix . 'capabilities', serialize( array( 'subscriber' => true ) ) );
        $meta[] = $wpdb->prepare( '(%d, %s, %s)', $id, 'first_name', 0 === $n % 2 ? "Given$n" : '' );
        $meta[] = $wpdb->prepare( '(%d, %s, %s)', $id, 'last_name', 0 === $n % 2 ? "Family$n" : '' );
      }
      foreach ( array_chunk( $meta, 600 ) as $chunk ) {
        $wpdb->query( "INSERT INTO {$wpdb->usermeta} (user_id, meta_key, meta_value) VALUES " . implode( ',', $chunk ) );
      }
      return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->users}" );`,
    );
    expect(created).toBe(USERS + 1);
    await site.activatePlugin();
    civilink = await startCivilink(port, {
      CIVILINK_STORE: "memory",
      CIVILINK_CMS: "wordpress",
      CIVILINK_API_KEYS: `wp:${PLUGIN_KEY}:events+read+admin`,
    });
  }, 120_000);

  afterAll(async () => {
    await civilink?.stop();
    await site?.close();
  }, 60_000);

  it("the sync page, driven as its script drives it, links every user and shows the summary", async () => {
    const browser = new Browser(site.url);
    expect((await browser.logIn(site.adminUser, site.adminPassword)).status).toBe(302);
    const page = await browser.get("/wp-admin/users.php?page=civilink-sync");
    expect(page.status).toBe(200);
    const form = formHtml(page.body, "civilink-sync-form");
    expect(form).toContain('data-users="1001"');
    expect(form).toContain('value="Synchronize Users to Contacts"');
    expect(form).toContain('name="dry_run"');
    expect(page.body).toContain('<progress id="civilink-sync-progress"');

    const script = /<script src='([^']*\/civilink\/assets\/sync\.js[^']*)'/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const served = await browser.get(script!);
    expect(served.status).toBe(200);
    expect(served.body).toContain("civilink_sync_import");

    const nonce = fieldValue(form, "_wpnonce");
    const started = performance.now();
    let after = 0;
    let sent = 0;
    let calls = 0;
    for (;;) {
      const batch = await ajax<{ sent: number; lastId: number; done: boolean }>(browser, {
        action: "civilink_sync_import",
        _ajax_nonce: nonce,
        after: String(after),
      });
      calls++;
      sent += batch.sent;
      after = batch.lastId;
      if (batch.done) break;
    }
    expect(sent).toBe(USERS + 1);
    expect(calls).toBe(Math.ceil((USERS + 1) / BATCH));

    let job = await ajax<BrowserJob>(browser, {
      action: "civilink_sync_start",
      _ajax_nonce: nonce,
      dry_run: "0",
    });
    while (job.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 250));
      job = await ajax<BrowserJob>(browser, {
        action: "civilink_sync_status",
        _ajax_nonce: nonce,
        job: job.id,
      });
    }
    console.info(`sync page, 1,001 users: ${Math.round(performance.now() - started)} ms`);
    // The admin logged in a moment ago, which linked them.
    const summary =
      "Checked 1001 user records. Found 1 matching contact record. Created 1000 new contact records.";
    expect(job).toMatchObject({ status: "succeeded", processed: 1001, total: 1001 });
    expect(job.message).toBe(summary);
    expect(job.html).toContain('class="notice notice-success"');
    expect(job.html).toContain(summary);

    // The page the script leaves behind, reloaded, shows the same summary.
    const result = await browser.get(`/wp-admin/users.php?page=civilink-sync&job=${job.id}`);
    expect(formHtml(result.body, "civilink-sync-form")).toBeDefined();
    expect(result.body).toMatch(
      new RegExp(`id="civilink-sync-summary" class="notice notice-success">[\\s\\S]*${summary}`),
    );

    const imports = await importRequests();
    expect(imports).toHaveLength(4);
    expect(imports.every((request) => request.status === 200)).toBe(true);

    const links = await api.allLinks();
    expect(links).toHaveLength(USERS + 1);
    const ids = await site.eval<number[]>(
      `global $wpdb; return array_map( 'intval', $wpdb->get_col( "SELECT ID FROM {$wpdb->users} ORDER BY ID" ) );`,
    );
    expect(links.map((link) => link.userId).sort((a, b) => a - b)).toEqual(ids);

    const [named, unnamed] = await Promise.all(
      ["Member.8@Example.org", "Member.7@Example.org"].map(async (email) => {
        const link = links.find((candidate) => candidate.ufName === email);
        return api.contact(link!.contactId);
      }),
    );
    expect(named).toMatchObject({ firstName: "Given8", lastName: "Family8" });
    expect(primaryEmail(named!)).toBe("member.8@example.org");
    expect(unnamed).toMatchObject({
      firstName: null,
      lastName: null,
      displayName: "member.7@example.org",
    });
  }, 90_000);

  it("civilink_synchronize_users() finds every user linked and returns the finished job", async () => {
    const before = (await importRequests()).length;
    const started = performance.now();
    const job = await site.eval<{
      status: string;
      message: string;
      report: Record<string, number>;
      import: { sent: number; imported: number; updated: number; rejected: number };
    }>("return civilink_synchronize_users();");
    console.info(
      `civilink_synchronize_users(), 1,001 users: ${Math.round(performance.now() - started)} ms`,
    );
    expect(job.status).toBe("succeeded");
    expect(job.message).toBe(
      "Checked 1001 user records. Found 1001 matching contact records. Created 0 new contact records.",
    );
    expect(job.report).toEqual({
      checked: 1001,
      alreadyLinked: 1001,
      matched: 0,
      created: 0,
      skipped: 0,
      failed: 0,
    });
    expect(job.import).toMatchObject({ sent: 1001, imported: 0, updated: 1001, rejected: 0 });
    expect((await importRequests()).length - before).toBe(4);
    expect(await api.allLinks()).toHaveLength(USERS + 1);
  }, 60_000);

  it("the page's form works without a script too: a dry run reports and writes nothing", async () => {
    const browser = new Browser(site.url);
    expect((await browser.logIn(site.adminUser, site.adminPassword)).status).toBe(302);
    const page = await browser.get("/wp-admin/users.php?page=civilink-sync");
    const posted = await browser.post("/wp-admin/users.php?page=civilink-sync", {
      _wpnonce: fieldValue(formHtml(page.body, "civilink-sync-form"), "_wpnonce"),
      _wp_http_referer: "/wp-admin/users.php?page=civilink-sync",
      dry_run: "1",
      civilink_sync: "Synchronize Users to Contacts",
    });
    expect(posted.status).toBe(302);
    expect(posted.location).toMatch(
      /users\.php\?page=civilink-sync&job=[0-9a-f-]+&sent=1001&rejected=0/,
    );

    let result: Page;
    do {
      result = await browser.get(posted.location!);
      expect(result.status).toBe(200);
    } while (result.body.includes('http-equiv="refresh"'));
    expect(result.body).toContain("Dry run: nothing was written.");
    expect(result.body).toContain(
      "Checked 1001 user records. Found 1001 matching contact records. Created 0 new contact records.",
    );
    expect(await api.allLinks()).toHaveLength(USERS + 1);
  }, 60_000);

  it("only administrators reach the sync page and its admin-ajax actions", async () => {
    const admin = new Browser(site.url);
    await admin.logIn(site.adminUser, site.adminPassword);
    const page = await admin.get("/wp-admin/users.php?page=civilink-sync");
    const nonce = fieldValue(formHtml(page.body, "civilink-sync-form"), "_wpnonce");

    const member = new Browser(site.url);
    expect((await member.logIn("member3", PASSWORD)).status).toBe(302);
    expect((await member.get("/wp-admin/users.php?page=civilink-sync")).status).toBe(403);
    const refused = await member.post("/wp-admin/admin-ajax.php", {
      action: "civilink_sync_start",
      _ajax_nonce: nonce,
      dry_run: "1",
    });
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('"success":true');
  });
});
