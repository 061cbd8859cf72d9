import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CivilinkApi, primaryEmail } from "./support/civilink-api.js";
import { type CivilinkProcess, startCivilink } from "./support/civilink-process.js";
import { freePort } from "./support/network.js";
import { shouldRunWordPress, WordPressSite } from "./support/wordpress-site.js";

const PLUGIN_KEY = "wp-network-key-5d0e17";

const run = await shouldRunWordPress();

describe.skipIf(!run)("the civilink plugin on a WordPress network: one domain per site", () => {
  let site: WordPressSite;
  let civilink: CivilinkProcess;
  let second: number;
  const api = new CivilinkApi(() => civilink.url, PLUGIN_KEY);

  const insertUser = (login: string, email: string) =>
    site.eval<number>(
      `$id = wp_insert_user( array( 'user_login' => '${login}', 'user_email' => '${email}', 'user_pass' => 'network pass' ) );
      return is_wp_error( $id ) ? $id->get_error_message() : $id;`,
    );

  beforeAll(async () => {
    const port = await freePort();
    // No CIVILINK_DOMAIN_ID: it would hold for every site; each site's settings name its domain.
    site = await WordPressSite.create({
      constants: { CIVILINK_URL: `http://127.0.0.1:${port}`, CIVILINK_API_KEY: PLUGIN_KEY },
    });
    await site.makeNetwork();
    second = await site.eval<number>(
      `$id = wpmu_create_blog( '127.0.0.1:${site.port}', '/second/', 'Second site', 1 );
      return is_wp_error( $id ) ? $id->get_error_message() : $id;`,
    );
    expect(second).toBeTypeOf("number");
    await site.activatePlugin({ networkWide: true });
    await site.eval(
      `switch_to_blog( ${second} );
      update_option( 'civilink_settings', array( 'domain_id' => 2 ) );
      restore_current_blog();
      return true;`,
    );
    civilink = await startCivilink(port, {
      CIVILINK_STORE: "memory",
      CIVILINK_CMS: "wordpress",
      CIVILINK_API_KEYS: `wp:${PLUGIN_KEY}:events+read+admin`,
    });
    expect(
      (await api.call("PUT", "/v1/domains/2", { name: "Second", cms: "wordpress" })).status,
    ).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await civilink?.stop();
    await site?.close();
  }, 60_000);

  it("network activation gives every site its queue table and its schedule", async () => {
    const sites = await site.eval<{ table: string | null; cron: boolean; domain: number }[]>(
      `global $wpdb;
      $sites = array();
      foreach ( array( 1, ${second} ) as $id ) {
        switch_to_blog( $id );
        $sites[] = array(
          'table'  => $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->prefix . 'civilink_queue' ) ),
          'cron'   => (bool) wp_next_scheduled( 'civilink_cron' ),
          'domain' => civilink_setting( 'domain_id' ),
        );
        restore_current_blog();
      }
      return $sites;`,
    );
    expect(sites).toEqual([
      { table: "wp_civilink_queue", cron: true, domain: 1 },
      { table: `wp_${second}_civilink_queue`, cron: true, domain: 2 },
    ]);
  });

  it("a user is linked in the domain of each site they join, to the same contact", async () => {
    const id = await insertUser("shared", "Shared.Person@Example.org");
    const first = await api.link(id, 1);
    expect(first?.ufName).toBe("Shared.Person@Example.org");
    expect(await api.link(id, 2)).toBeNull();

    await site.eval(`return add_user_to_blog( ${second}, ${id}, 'subscriber' );`);
    expect(await api.link(id, 2)).toMatchObject({ contactId: first!.contactId });
  });

  it("an email change reaches the domain of every site of the user", async () => {
    const id = await site.eval<number>("return get_user_by( 'login', 'shared' )->ID;");
    await site.eval(
      `return wp_update_user( array( 'ID' => ${id}, 'user_email' => 'shared.new@example.org' ) );`,
    );
    const [first, other] = [await api.link(id, 1), await api.link(id, 2)];
    expect(first?.ufName).toBe("shared.new@example.org");
    expect(other?.ufName).toBe("shared.new@example.org");
    expect(primaryEmail(await api.contact(first!.contactId))).toBe("shared.new@example.org");
  });

  it("a user removed from a site is unlinked in that site's domain only", async () => {
    const id = await site.eval<number>("return get_user_by( 'login', 'shared' )->ID;");
    await site.eval(`return remove_user_from_blog( ${id}, ${second} );`);
    expect(await api.link(id, 2)).toBeNull();
    expect(await api.link(id, 1)).not.toBeNull();
  });

  it("a network user created for the second site is linked there, not on the main site", async () => {
    const id = await site.eval<number>(
      `$id = wpmu_create_user( 'visitor', 'network pass', 'Net.Visitor@Example.org' );
      add_user_to_blog( ${second}, $id, 'subscriber' );
      return $id;`,
    );
    expect(await api.link(id, 1)).toBeNull();
    expect(await api.link(id, 2)).toMatchObject({ ufName: "Net.Visitor@Example.org" });
  });

  it("each site synchronizes its own users into its own domain", async () => {
    const job = await site.eval<{ message: string; import: { sent: number } }>(
      `switch_to_blog( ${second} );
      return civilink_synchronize_users();`,
    );
    // The second site has its administrator (not linked yet) and the visitor.
    expect(job.import.sent).toBe(2);
    expect(job.message).toBe(
      "Checked 2 user records. Found 1 matching contact record. Created 1 new contact record.",
    );
    expect((await api.allLinks(2)).map((link) => link.userId).sort((a, b) => a - b)).toEqual([
      1,
      await site.eval<number>("return get_user_by( 'login', 'visitor' )->ID;"),
    ]);
    expect(await api.link(1, 1)).toBeNull();
  });

  it("a user deleted from the network is unlinked in the domain of each site they had", async () => {
    const visitor = await site.eval<number>("return get_user_by( 'login', 'visitor' )->ID;");
    const shared = await site.eval<number>("return get_user_by( 'login', 'shared' )->ID;");
    await site.eval(
      `require_once ABSPATH . 'wp-admin/includes/ms.php';
      return wpmu_delete_user( ${visitor} ) && wpmu_delete_user( ${shared} );`,
    );
    expect(await api.link(visitor, 2)).toBeNull();
    expect(await api.link(shared, 1)).toBeNull();
  });
});
