<?php
/**
 * Interactions recorded by other plugins: donations, memberships, event registrations.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * The kinds of interaction civilink knows.
 *
 * @return string[]
 */
function civilink_interaction_kinds() {
	return array( 'profile', 'contribution', 'membership', 'event', 'other' );
}

/**
 * Records an interaction of the logged-in user: they are linked to a contact (§5).
 *
 * @param string $kind profile, contribution, membership, event or other.
 * @return array|true|WP_Error civilink's answer (with `contactId`) when delivered now, true when
 *                             queued for later, a WP_Error when nobody is logged in, the kind is
 *                             unknown or civilink refused it.
 */
function civilink_record_interaction( $kind ) {
	if ( ! in_array( $kind, civilink_interaction_kinds(), true ) ) {
		return new WP_Error( 'civilink_invalid_kind', __( 'Unknown kind of interaction.', 'civilink' ) );
	}
	$user = wp_get_current_user();
	if ( ! $user->exists() ) {
		return new WP_Error( 'civilink_not_logged_in', __( 'Nobody is logged in.', 'civilink' ) );
	}
	return civilink_send_event(
		'interaction',
		$user->ID,
		array(
			'kind' => $kind,
			'user' => civilink_user_profile( $user ),
		)
	);
}

/**
 * Records an interaction of a visitor without an account: a contact is found by email or
 * created, no link is written (§5).
 *
 * @param string $kind       profile, contribution, membership, event or other.
 * @param string $email      The visitor's email address.
 * @param string $first_name Optional first name.
 * @param string $last_name  Optional last name.
 * @return array|true|WP_Error civilink's answer (with `contactId`) when delivered now, true when
 *                             queued for later, a WP_Error when the kind is unknown or civilink
 *                             refused it.
 */
function civilink_record_anonymous_interaction( $kind, $email, $first_name = '', $last_name = '' ) {
	if ( ! in_array( $kind, civilink_interaction_kinds(), true ) ) {
		return new WP_Error( 'civilink_invalid_kind', __( 'Unknown kind of interaction.', 'civilink' ) );
	}
	$body = array(
		'kind'  => $kind,
		'email' => (string) $email,
	);
	if ( '' !== (string) $first_name ) {
		$body['firstName'] = (string) $first_name;
	}
	if ( '' !== (string) $last_name ) {
		$body['lastName'] = (string) $last_name;
	}
	return civilink_send_event( 'anonymous-interaction', 0, $body );
}
