<?php
/**
 * Activation, deactivation, the queue table and the WP-Cron schedule.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * The version of the queue table's schema.
 */
const CIVILINK_DB_VERSION = '1';

add_filter( 'cron_schedules', 'civilink_cron_schedules' );
add_action( 'init', 'civilink_maybe_install' );

/**
 * Adds the every-minute schedule of `civilink_cron`.
 *
 * @param array $schedules WP-Cron's schedules.
 * @return array
 */
function civilink_cron_schedules( $schedules ) {
	$schedules['civilink_every_minute'] = array(
		'interval' => MINUTE_IN_SECONDS,
		'display'  => __( 'Every minute (civilink)', 'civilink' ),
	);
	return $schedules;
}

/**
 * Whether the plugin is active on the current site, on its own or for the whole network.
 *
 * @return bool
 */
function civilink_is_active_on_current_site() {
	$basename = plugin_basename( CIVILINK_PLUGIN_FILE );
	if ( in_array( $basename, (array) get_option( 'active_plugins', array() ), true ) ) {
		return true;
	}
	if ( is_multisite() ) {
		$network_plugins = (array) get_site_option( 'active_sitewide_plugins', array() );
		return isset( $network_plugins[ $basename ] );
	}
	return false;
}

/**
 * Activation: the queue table and the schedule, on every site of a network when activated for it.
 *
 * @param bool $network_wide Whether the plugin is activated for the whole network.
 */
function civilink_activate( $network_wide = false ) {
	civilink_for_each_site( $network_wide, 'civilink_install_site' );
}

/**
 * Deactivation: no more queue runs. The queue and the settings stay until the plugin is deleted.
 *
 * @param bool $network_wide Whether the plugin was active for the whole network.
 */
function civilink_deactivate( $network_wide = false ) {
	civilink_for_each_site(
		$network_wide,
		static function () {
			wp_clear_scheduled_hook( 'civilink_cron' );
		}
	);
}

/**
 * Runs $callback on the current site, or on every site of the network.
 *
 * @param bool     $network_wide Every site of the network.
 * @param callable $callback     What to run.
 */
function civilink_for_each_site( $network_wide, $callback ) {
	if ( ! is_multisite() || ! $network_wide ) {
		call_user_func( $callback );
		return;
	}
	foreach ( get_sites(
		array(
			'fields' => 'ids',
			'number' => 0,
		)
	) as $site_id ) {
		switch_to_blog( $site_id );
		call_user_func( $callback );
		restore_current_blog();
	}
}

/**
 * Creates the queue table and schedules the queue run on the current site.
 */
function civilink_install_site() {
	civilink_install_queue_table();
	update_option( 'civilink_db_version', CIVILINK_DB_VERSION );
	add_option( 'civilink_activated_at', gmdate( 'Y-m-d\TH:i:s\Z' ), '', false );
	civilink_schedule_cron();
}

/**
 * Installs on a site that does not have the table yet (a new site of a network where the
 * plugin is active for all) and schedules the queue run when it is missing.
 */
function civilink_maybe_install() {
	if ( CIVILINK_DB_VERSION !== get_option( 'civilink_db_version' ) ) {
		civilink_install_site();
	} elseif ( ! wp_next_scheduled( 'civilink_cron' ) ) {
		civilink_schedule_cron();
	}
}

/**
 * Schedules `civilink_cron` every minute.
 */
function civilink_schedule_cron() {
	if ( ! wp_next_scheduled( 'civilink_cron' ) ) {
		wp_schedule_event( time(), 'civilink_every_minute', 'civilink_cron' );
	}
}
