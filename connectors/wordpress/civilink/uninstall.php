<?php
/**
 * Deleting the plugin removes its queue table, its options and its schedule, on every site.
 *
 * @package civilink
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

/**
 * Removes what the plugin stored on the current site.
 */
function civilink_uninstall_site() {
	global $wpdb;
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.DirectDatabaseQuery.SchemaChange
	$wpdb->query( "DROP TABLE IF EXISTS {$wpdb->prefix}civilink_queue" );
	$options = array(
		'civilink_settings',
		'civilink_db_version',
		'civilink_activated_at',
		'civilink_outbox_after',
		'civilink_unreachable_until',
		'civilink_last_sync_job',
	);
	foreach ( $options as $option ) {
		delete_option( $option );
	}
	wp_clear_scheduled_hook( 'civilink_cron' );
}

if ( is_multisite() ) {
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $civilink_site_id ) {
		switch_to_blog( $civilink_site_id );
		civilink_uninstall_site();
		restore_current_blog();
	}
} else {
	civilink_uninstall_site();
}
