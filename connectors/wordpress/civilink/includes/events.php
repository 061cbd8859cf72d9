<?php
/**
 * WordPress user events sent to civilink.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * How long events skip the direct attempt after civilink did not answer, in seconds: during
 * an outage each login would otherwise wait for the whole timeout.
 */
const CIVILINK_UNREACHABLE_PAUSE = 30;

add_action( 'user_register', 'civilink_on_user_register', 10, 1 );
add_action( 'wp_login', 'civilink_on_login', 10, 2 );
add_action( 'profile_update', 'civilink_on_profile_update', 10, 1 );
add_action( 'deleted_user', 'civilink_on_deleted_user', 10, 1 );
add_action( 'add_user_to_blog', 'civilink_on_user_added_to_site', 10, 3 );
add_action( 'remove_user_from_blog', 'civilink_on_user_removed_from_site', 10, 2 );
add_action( 'wpmu_new_user', 'civilink_on_network_user_created', 10, 1 );

/**
 * The method and path of an event.
 *
 * @param string $event   registered, logged-in, profile, deleted, interaction or anonymous-interaction.
 * @param int    $user_id The WordPress user (ignored for an anonymous interaction).
 * @return array{0: string, 1: string}|null
 */
function civilink_event_route( $event, $user_id ) {
	$user_path = civilink_domain_path( '/users/' . absint( $user_id ) );
	switch ( $event ) {
		case 'registered':
			return array( 'POST', $user_path . '/registered' );
		case 'logged-in':
			return array( 'POST', $user_path . '/logged-in' );
		case 'profile':
			return array( 'PUT', $user_path );
		case 'deleted':
			return array( 'DELETE', $user_path );
		case 'interaction':
			return array( 'POST', $user_path . '/interactions' );
		case 'anonymous-interaction':
			return array( 'POST', civilink_domain_path( '/interactions' ) );
	}
	return null;
}

/**
 * What civilink is told about a user: the profile of docs/contract.md's user events.
 *
 * @param WP_User $user The user.
 * @return array{email: string, username: string, firstName: string, lastName: string}
 */
function civilink_user_profile( $user ) {
	return array(
		'email'     => (string) $user->user_email,
		'username'  => (string) $user->user_login,
		'firstName' => (string) get_user_meta( $user->ID, 'first_name', true ),
		'lastName'  => (string) get_user_meta( $user->ID, 'last_name', true ),
	);
}

/**
 * Sends an event to civilink now, or queues it when civilink cannot take it now.
 *
 * An event waits in the queue when events of the same user already wait there, so that they
 * arrive in order.
 *
 * @param string $event   See civilink_event_route().
 * @param int    $user_id The WordPress user, 0 for an anonymous interaction.
 * @param array  $body    The request body.
 * @return array|true|WP_Error civilink's answer (an Outcome) when delivered now, true when
 *                             queued, a WP_Error when civilink refused it (it is not retried)
 *                             or the plugin is not configured.
 */
function civilink_send_event( $event, $user_id, $body ) {
	if ( ! civilink_is_configured() ) {
		return new WP_Error( 'civilink_not_configured', __( 'civilink is not configured: set its URL and API key.', 'civilink' ) );
	}
	if ( civilink_seems_unreachable() || civilink_has_queued_events( $user_id ) ) {
		civilink_enqueue_event( $user_id, $event, $body );
		return true;
	}
	$result = civilink_deliver_event( $event, $user_id, $body );
	if ( ! is_wp_error( $result ) ) {
		return $result;
	}
	if ( civilink_error_is_retryable( $result ) ) {
		civilink_enqueue_event( $user_id, $event, $body );
		return true;
	}
	civilink_log_dropped_event( $event, $user_id, $result );
	return $result;
}

/**
 * One attempt to deliver an event.
 *
 * @param string $event   See civilink_event_route().
 * @param int    $user_id The WordPress user.
 * @param array  $body    The request body.
 * @return array|WP_Error civilink's answer, or the failure (see civilink_request()).
 */
function civilink_deliver_event( $event, $user_id, $body ) {
	$route = civilink_event_route( $event, $user_id );
	if ( null === $route ) {
		return new WP_Error( 'civilink_unknown_event', 'unknown event', array( 'retryable' => false ) );
	}
	list( $method, $path ) = $route;
	$response              = civilink_request( $method, $path, 'DELETE' === $method ? null : $body );
	if ( is_wp_error( $response ) ) {
		$data = $response->get_error_data();
		if ( empty( $data['status'] ) ) {
			civilink_mark_unreachable();
		}
		return $response;
	}
	civilink_mark_reachable();
	return $response['body'];
}

/**
 * Logs that civilink refused an event, which is therefore not retried.
 *
 * @param string   $event   The event.
 * @param int      $user_id The WordPress user.
 * @param WP_Error $error   civilink's answer.
 */
function civilink_log_dropped_event( $event, $user_id, $error ) {
	civilink_log( sprintf( 'dropped a %s event of user %d: civilink answered %s', $event, $user_id, civilink_error_summary( $error ) ) );
}

/**
 * Whether civilink did not answer a moment ago; events are then queued without a direct attempt.
 *
 * @return bool
 */
function civilink_seems_unreachable() {
	return (int) get_option( 'civilink_unreachable_until', 0 ) > time();
}

/**
 * Remembers that civilink did not answer.
 */
function civilink_mark_unreachable() {
	update_option( 'civilink_unreachable_until', time() + CIVILINK_UNREACHABLE_PAUSE, false );
}

/**
 * Forgets that civilink did not answer.
 */
function civilink_mark_reachable() {
	if ( false !== get_option( 'civilink_unreachable_until', false ) ) {
		delete_option( 'civilink_unreachable_until' );
	}
}

/**
 * Whether the plugin's own profile update hook is paused (while an email change from the CRM is
 * applied, so that the change is not sent back).
 *
 * @param bool|null $pause True or false to set, null to read.
 * @return bool
 */
function civilink_events_paused( $pause = null ) {
	static $paused = false;
	if ( null !== $pause ) {
		$paused = (bool) $pause;
	}
	return $paused;
}

/**
 * Whether a user belongs to the current site: always on a single site; on a multisite network,
 * when they have a role on it and the plugin runs on it.
 *
 * @param int $user_id The WordPress user.
 * @return bool
 */
function civilink_user_belongs_here( $user_id ) {
	if ( ! is_multisite() ) {
		return true;
	}
	return civilink_is_active_on_current_site() && is_user_member_of_blog( $user_id );
}

/**
 * Sends a user event with the user's current profile.
 *
 * @param string $event   registered, logged-in or profile.
 * @param int    $user_id The WordPress user.
 */
function civilink_send_profile_event( $event, $user_id ) {
	$user = get_userdata( $user_id );
	if ( $user ) {
		civilink_send_event( $event, $user->ID, civilink_user_profile( $user ) );
	}
}

/**
 * A new account: a registration.
 *
 * @param int $user_id The new user.
 */
function civilink_on_user_register( $user_id ) {
	if ( civilink_user_belongs_here( $user_id ) ) {
		civilink_send_profile_event( 'registered', $user_id );
	}
}

/**
 * A login.
 *
 * @param string  $user_login The login name.
 * @param WP_User $user       The user.
 */
function civilink_on_login( $user_login, $user ) {
	if ( $user instanceof WP_User && civilink_user_belongs_here( $user->ID ) ) {
		civilink_send_profile_event( 'logged-in', $user->ID );
	}
}

/**
 * A profile update. WordPress also fires it after a registration and a password reset; civilink
 * answers those with `unchanged`. On a network the account is shared, so every site of the user
 * where the plugin runs is told.
 *
 * @param int $user_id The user.
 */
function civilink_on_profile_update( $user_id ) {
	if ( civilink_events_paused() ) {
		return;
	}
	if ( ! is_multisite() ) {
		civilink_send_profile_event( 'profile', $user_id );
		return;
	}
	foreach ( array_keys( get_blogs_of_user( $user_id ) ) as $site_id ) {
		switch_to_blog( $site_id );
		if ( civilink_is_active_on_current_site() ) {
			civilink_send_profile_event( 'profile', $user_id );
		}
		restore_current_blog();
	}
}

/**
 * A deleted account (single site; on a network, see civilink_on_user_removed_from_site()).
 *
 * @param int $user_id The deleted user.
 */
function civilink_on_deleted_user( $user_id ) {
	if ( ! is_multisite() ) {
		civilink_send_event( 'deleted', $user_id, array() );
	}
}

/**
 * On a network: a user given a role on a site is registered in that site's domain.
 *
 * @param int    $user_id The user.
 * @param string $role    The role.
 * @param int    $site_id The site, already switched to.
 */
function civilink_on_user_added_to_site( $user_id, $role, $site_id ) {
	if ( civilink_is_active_on_current_site() && (int) get_current_blog_id() === (int) $site_id ) {
		civilink_send_profile_event( 'registered', $user_id );
	}
}

/**
 * On a network: a user removed from a site (or deleted from the network) is unlinked in that
 * site's domain only.
 *
 * @param int $user_id The user.
 * @param int $site_id The site, already switched to.
 */
function civilink_on_user_removed_from_site( $user_id, $site_id ) {
	if ( civilink_is_active_on_current_site() && (int) get_current_blog_id() === (int) $site_id ) {
		civilink_send_event( 'deleted', $user_id, array() );
	}
}

/**
 * On a network, a new account is created on the current site and then taken off it; undo the
 * registration sent for that site when the user did not stay.
 *
 * @param int $user_id The new user.
 */
function civilink_on_network_user_created( $user_id ) {
	if ( civilink_is_active_on_current_site() && ! is_user_member_of_blog( $user_id ) ) {
		civilink_send_event( 'deleted', $user_id, array() );
	}
}
