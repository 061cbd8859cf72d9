<?php
/**
 * Calls to civilink's HTTP API.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * Sends one request to civilink and decodes its JSON answer.
 *
 * A network failure (refused, timed out) and an answer outside 2xx are a WP_Error whose data
 * holds `status` (0 without an answer), `kind` (civilink's error kind) and `retryable`.
 *
 * @param string            $method  HTTP method.
 * @param string            $path    Path under civilink's URL, e.g. /v1/domains/1.
 * @param array|string|null $body    An array is sent as JSON; a string as it is, with $options['content_type'].
 * @param array             $options `timeout` in seconds (default: the timeout setting), `content_type`.
 * @return array{status: int, body: array, headers: mixed}|WP_Error
 */
function civilink_request( $method, $path, $body = null, $options = array() ) {
	$headers = array(
		'Authorization' => 'Bearer ' . civilink_setting( 'api_key' ),
		'Accept'        => 'application/json',
	);
	$args    = array(
		'method'      => $method,
		'timeout'     => isset( $options['timeout'] ) ? (float) $options['timeout'] : (float) civilink_setting( 'timeout' ),
		'redirection' => 0,
		'blocking'    => true,
		'user-agent'  => 'civilink-wordpress/' . CIVILINK_PLUGIN_VERSION,
	);
	if ( null !== $body ) {
		if ( is_string( $body ) ) {
			$headers['Content-Type'] = isset( $options['content_type'] ) ? $options['content_type'] : 'application/octet-stream';
			$args['body']            = $body;
		} else {
			$headers['Content-Type'] = 'application/json';
			$args['body']            = wp_json_encode( $body );
		}
	}
	$args['headers'] = $headers;

	$response = wp_remote_request( civilink_setting( 'url' ) . $path, $args );
	if ( is_wp_error( $response ) ) {
		return new WP_Error(
			'civilink_unreachable',
			/* translators: %s: the transport's explanation, e.g. "Connection refused". */
			sprintf( __( 'civilink did not answer: %s', 'civilink' ), $response->get_error_message() ),
			array(
				'status'    => 0,
				'kind'      => 'Unreachable',
				'retryable' => true,
			)
		);
	}

	$status  = (int) wp_remote_retrieve_response_code( $response );
	$decoded = json_decode( wp_remote_retrieve_body( $response ), true );
	$decoded = is_array( $decoded ) ? $decoded : array();
	if ( $status >= 200 && $status < 300 ) {
		return array(
			'status'  => $status,
			'body'    => $decoded,
			'headers' => wp_remote_retrieve_headers( $response ),
		);
	}

	$kind    = isset( $decoded['error']['kind'] ) ? (string) $decoded['error']['kind'] : 'HttpError';
	$message = isset( $decoded['error']['message'] ) ? (string) $decoded['error']['message'] : sprintf( 'HTTP %d', $status );
	return new WP_Error(
		'civilink_http_error',
		$message,
		array(
			'status'    => $status,
			'kind'      => $kind,
			'retryable' => civilink_status_is_retryable( $status ),
		)
	);
}

/**
 * Whether an answer with this status may succeed later: a timeout, a rate limit, a server error.
 *
 * @param int $status HTTP status.
 * @return bool
 */
function civilink_status_is_retryable( $status ) {
	return 408 === $status || 429 === $status || $status >= 500;
}

/**
 * Whether a failure of civilink_request() may succeed when tried again.
 *
 * @param WP_Error $error The failure.
 * @return bool
 */
function civilink_error_is_retryable( $error ) {
	$data = $error->get_error_data();
	return is_array( $data ) && ! empty( $data['retryable'] );
}

/**
 * A short description of a failure for the PHP error log: its status and kind, never a message
 * (which might quote what was sent).
 *
 * @param WP_Error $error The failure.
 * @return string
 */
function civilink_error_summary( $error ) {
	$data = $error->get_error_data();
	if ( ! is_array( $data ) ) {
		return $error->get_error_code();
	}
	if ( empty( $data['status'] ) ) {
		return 'no answer';
	}
	return $data['status'] . ' ' . $data['kind'];
}

/**
 * Writes a line to the PHP error log. Callers pass ids, event names and statuses only: nothing
 * personal (no email, name or key) is ever logged.
 *
 * @param string $line What happened.
 */
function civilink_log( $line ) {
	// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
	error_log( 'civilink: ' . $line );
}
