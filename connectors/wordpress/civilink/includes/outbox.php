<?php
/**
 * CRM → WordPress: the domain's outbox, and the queue run that applies it.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

add_action( 'civilink_cron', 'civilink_process_queue' );

/**
 * How many pages of outbox events one run reads at most.
 */
const CIVILINK_OUTBOX_PAGES_PER_RUN = 20;

/**
 * Delivers the queued events, then applies the outbox events that came after the last one applied.
 * WP-Cron runs it every minute under the hook `civilink_cron`.
 *
 * @return array{delivered: int, dropped: int, failed: int, waiting: int, reachable: bool, applied: int}|WP_Error
 *         What the run did, or why it did not run.
 */
function civilink_process_queue() {
	global $wpdb;
	if ( ! civilink_is_configured() ) {
		return new WP_Error( 'civilink_not_configured', __( 'civilink is not configured: set its URL and API key.', 'civilink' ) );
	}
	// One run at a time per site: two runs would deliver the same events twice, out of order.
	// A lock name holds for the whole database server, which other sites may share.
	$lock = 'civilink_queue_' . md5( DB_NAME . '.' . $wpdb->prefix );
	if ( '1' !== (string) $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK(%s, 0)', $lock ) ) ) {
		return new WP_Error( 'civilink_queue_busy', __( 'The civilink queue is being processed already.', 'civilink' ) );
	}
	try {
		$report            = civilink_deliver_queued_events();
		$report['applied'] = 0;
		if ( $report['reachable'] ) {
			$applied = civilink_apply_outbox();
			if ( is_wp_error( $applied ) ) {
				$report['reachable'] = civilink_error_is_retryable( $applied ) ? false : $report['reachable'];
			} else {
				$report['applied'] = $applied;
			}
		}
		return $report;
	} finally {
		$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK(%s)', $lock ) );
	}
}

/**
 * Reads the domain's outbox after the last event applied and applies each event.
 *
 * Events older than the plugin's first activation on this site are passed over: they were for
 * an earlier installation, and applying them could restore addresses changed since.
 *
 * @return int|WP_Error How many events changed a user, or the failure to read the outbox.
 */
function civilink_apply_outbox() {
	$after     = (string) get_option( 'civilink_outbox_after', '' );
	$since     = (string) get_option( 'civilink_activated_at', '' );
	$domain_id = (int) civilink_setting( 'domain_id' );
	$applied   = 0;

	for ( $page = 0; $page < CIVILINK_OUTBOX_PAGES_PER_RUN; $page++ ) {
		$query    = '' === $after ? '?limit=100' : '?limit=100&after=' . rawurlencode( $after );
		$response = civilink_request( 'GET', civilink_domain_path( '/outbox' ) . $query );
		if ( is_wp_error( $response ) ) {
			civilink_log( 'could not read the outbox: civilink answered ' . civilink_error_summary( $response ) );
			return $response;
		}
		$events = isset( $response['body']['events'] ) && is_array( $response['body']['events'] ) ? $response['body']['events'] : array();
		foreach ( $events as $event ) {
			$is_current = '' === $since || ( isset( $event['at'] ) && strtotime( (string) $event['at'] ) >= strtotime( $since ) );
			if ( $is_current && civilink_apply_outbox_event( $event, $domain_id ) ) {
				++$applied;
			}
			$after = (string) $event['id'];
		}
		update_option( 'civilink_outbox_after', $after, false );
		if ( empty( $response['body']['nextCursor'] ) ) {
			break;
		}
	}
	return $applied;
}

/**
 * Applies one outbox event; today civilink sends `user.email-changed`.
 *
 * @param array $event     The event.
 * @param int   $domain_id This site's domain.
 * @return bool Whether a user was changed.
 */
function civilink_apply_outbox_event( $event, $domain_id ) {
	if ( ! isset( $event['type'], $event['userId'], $event['email'] ) || 'user.email-changed' !== $event['type'] ) {
		return false;
	}
	if ( isset( $event['domainId'] ) && (int) $event['domainId'] !== $domain_id ) {
		return false;
	}
	return civilink_apply_email_change( (int) $event['userId'], (string) $event['email'] );
}

/**
 * Gives a user the email address the CRM now has, without sending that change back to civilink
 * (it made it). WordPress's own notice of an email change goes to the old address as usual.
 *
 * @param int    $user_id The user.
 * @param string $email   The new address.
 * @return bool Whether the user was changed.
 */
function civilink_apply_email_change( $user_id, $email ) {
	$user = get_userdata( $user_id );
	if ( ! $user || 0 === strcasecmp( $user->user_email, $email ) ) {
		return false;
	}
	if ( ! is_email( $email ) ) {
		civilink_log( sprintf( 'did not apply an email change of user %d: WordPress does not accept the address', $user_id ) );
		return false;
	}
	$owner = email_exists( $email );
	if ( false !== $owner && (int) $owner !== $user_id ) {
		civilink_log( sprintf( 'did not apply an email change of user %d: another user has the address', $user_id ) );
		return false;
	}
	civilink_events_paused( true );
	try {
		$result = wp_update_user(
			array(
				'ID'         => $user_id,
				'user_email' => $email,
			)
		);
	} finally {
		civilink_events_paused( false );
	}
	if ( is_wp_error( $result ) ) {
		civilink_log( sprintf( 'did not apply an email change of user %d: %s', $user_id, $result->get_error_code() ) );
		return false;
	}
	return true;
}
