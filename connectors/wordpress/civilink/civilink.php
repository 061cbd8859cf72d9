<?php
/**
 * Plugin Name:       civilink
 * Description:       Links this site's user accounts to CRM contacts through civilink: on registration, login, profile update and deletion, and with "Synchronize Users to Contacts".
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * License:           AGPL-3.0-or-later
 * License URI:       https://www.gnu.org/licenses/agpl-3.0.html
 * Text Domain:       civilink
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

define( 'CIVILINK_PLUGIN_VERSION', '0.1.0' );
define( 'CIVILINK_PLUGIN_FILE', __FILE__ );

require_once __DIR__ . '/includes/config.php';
require_once __DIR__ . '/includes/client.php';
require_once __DIR__ . '/includes/queue.php';
require_once __DIR__ . '/includes/events.php';
require_once __DIR__ . '/includes/outbox.php';
require_once __DIR__ . '/includes/interactions.php';
require_once __DIR__ . '/includes/sync.php';
require_once __DIR__ . '/includes/install.php';

if ( is_admin() ) {
	require_once __DIR__ . '/includes/settings-page.php';
	require_once __DIR__ . '/includes/sync-page.php';
}

register_activation_hook( __FILE__, 'civilink_activate' );
register_deactivation_hook( __FILE__, 'civilink_deactivate' );
