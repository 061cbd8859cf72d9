<?php
/**
 * "Synchronize Users to Contacts": the site's users go to civilink's user directory, then
 * civilink links every one of them (§9).
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * Users read from the database at a time.
 */
const CIVILINK_USERS_PER_QUERY = 500;

/**
 * Seconds one import request may take; civilink's own bound on a request is 120 s by default.
 */
const CIVILINK_IMPORT_TIMEOUT = 110;

/**
 * How many users one import request carries (filter `civilink_import_batch_size`). One batch is
 * all the plugin holds in memory, whatever the number of users.
 *
 * @return int
 */
function civilink_import_batch_size() {
	return max( 1, (int) apply_filters( 'civilink_import_batch_size', 5000 ) );
}

/**
 * The users of this site (on a network: those with a role on it).
 *
 * @return int
 */
function civilink_count_site_users() {
	global $wpdb;
	if ( is_multisite() ) {
		return (int) $wpdb->get_var(
			$wpdb->prepare(
				"SELECT COUNT(*) FROM {$wpdb->usermeta} WHERE meta_key = %s",
				$wpdb->get_blog_prefix() . 'capabilities'
			)
		);
	}
	return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->users}" );
}

/**
 * Up to $limit users of this site with an ID above $after_id, in ID order, as import lines.
 *
 * The queries go around WP_User_Query on purpose: it would keep every user it returns in the
 * object cache, and a site with a million users would not fit in memory.
 *
 * @param int $after_id The last ID already read, 0 at first.
 * @param int $limit    At most this many.
 * @return array<array<string, int|string>> Each with userId, and email, username, firstName,
 *                                          lastName when not empty.
 */
function civilink_site_users_after( $after_id, $limit ) {
	global $wpdb;
	if ( is_multisite() ) {
		$rows = $wpdb->get_results(
			$wpdb->prepare(
				"SELECT u.ID, u.user_login, u.user_email FROM {$wpdb->users} u
				JOIN {$wpdb->usermeta} m ON m.user_id = u.ID AND m.meta_key = %s
				WHERE u.ID > %d ORDER BY u.ID LIMIT %d",
				$wpdb->get_blog_prefix() . 'capabilities',
				$after_id,
				$limit
			)
		);
	} else {
		$rows = $wpdb->get_results(
			$wpdb->prepare( "SELECT ID, user_login, user_email FROM {$wpdb->users} WHERE ID > %d ORDER BY ID LIMIT %d", $after_id, $limit )
		);
	}
	if ( empty( $rows ) ) {
		return array();
	}

	$ids   = implode( ',', array_map( 'intval', wp_list_pluck( $rows, 'ID' ) ) );
	$names = array();
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $ids are integers.
	$meta = $wpdb->get_results( "SELECT user_id, meta_key, meta_value FROM {$wpdb->usermeta} WHERE user_id IN ({$ids}) AND meta_key IN ('first_name', 'last_name')" );
	foreach ( $meta as $entry ) {
		$names[ (int) $entry->user_id ][ $entry->meta_key ] = (string) $entry->meta_value;
	}

	$users = array();
	foreach ( $rows as $row ) {
		$id   = (int) $row->ID;
		$user = array(
			'userId'    => $id,
			'email'     => (string) $row->user_email,
			'username'  => (string) $row->user_login,
			'firstName' => isset( $names[ $id ]['first_name'] ) ? $names[ $id ]['first_name'] : '',
			'lastName'  => isset( $names[ $id ]['last_name'] ) ? $names[ $id ]['last_name'] : '',
		);
		$users[] = array_filter(
			$user,
			static function ( $value ) {
				return '' !== $value;
			}
		);
	}
	return $users;
}

/**
 * Sends the next batch of users, those after $after_id, to civilink's user directory as one
 * NDJSON request.
 *
 * @param int $after_id The last user ID sent, 0 at first.
 * @return array{sent: int, last_id: int, done: bool, imported: int, updated: int, rejected: int, rejected_users: array}|WP_Error
 */
function civilink_send_user_batch( $after_id ) {
	$batch_size = civilink_import_batch_size();
	$body       = '';
	$line_users = array();
	$last_id    = (int) $after_id;
	$done       = false;

	while ( count( $line_users ) < $batch_size ) {
		$wanted = min( CIVILINK_USERS_PER_QUERY, $batch_size - count( $line_users ) );
		$users  = civilink_site_users_after( $last_id, $wanted );
		foreach ( $users as $user ) {
			$last_id = $user['userId'];
			$line    = wp_json_encode( $user );
			if ( false === $line ) {
				civilink_log( sprintf( 'could not send user %d to the directory: the profile cannot be written as JSON', $user['userId'] ) );
				continue;
			}
			$body        .= $line . "\n";
			$line_users[] = $user['userId'];
		}
		if ( count( $users ) < $wanted ) {
			$done = true;
			break;
		}
	}

	$result = array(
		'sent'           => count( $line_users ),
		'last_id'        => $last_id,
		'done'           => $done,
		'imported'       => 0,
		'updated'        => 0,
		'rejected'       => 0,
		'rejected_users' => array(),
	);
	if ( '' === $body ) {
		$result['done'] = $done || $last_id === (int) $after_id;
		return $result;
	}

	$response = civilink_request(
		'POST',
		civilink_domain_path( '/users/import' ),
		$body,
		array(
			'content_type' => 'application/x-ndjson',
			'timeout'      => CIVILINK_IMPORT_TIMEOUT,
		)
	);
	if ( is_wp_error( $response ) ) {
		return $response;
	}
	$answer             = $response['body'];
	$result['imported'] = isset( $answer['imported'] ) ? (int) $answer['imported'] : 0;
	$result['updated']  = isset( $answer['updated'] ) ? (int) $answer['updated'] : 0;
	$rejected           = isset( $answer['rejected'] ) && is_array( $answer['rejected'] ) ? $answer['rejected'] : array();
	$result['rejected'] = isset( $answer['rejectedCount'] ) ? (int) $answer['rejectedCount'] : count( $rejected );
	foreach ( array_slice( $rejected, 0, 20 ) as $line ) {
		$index = isset( $line['line'] ) ? (int) $line['line'] - 1 : -1;
		if ( isset( $line_users[ $index ] ) ) {
			$result['rejected_users'][] = array(
				'userId' => $line_users[ $index ],
				'error'  => isset( $line['error'] ) ? (string) $line['error'] : '',
			);
		}
	}
	return $result;
}

/**
 * Sends every user of the site to civilink's user directory, one batch per request.
 *
 * @return array{sent: int, imported: int, updated: int, rejected: int, rejected_users: array}|WP_Error
 */
function civilink_send_all_users() {
	$totals   = array(
		'sent'           => 0,
		'imported'       => 0,
		'updated'        => 0,
		'rejected'       => 0,
		'rejected_users' => array(),
	);
	$after_id = 0;
	do {
		$batch = civilink_send_user_batch( $after_id );
		if ( is_wp_error( $batch ) ) {
			return $batch;
		}
		foreach ( array( 'sent', 'imported', 'updated', 'rejected' ) as $counter ) {
			$totals[ $counter ] += $batch[ $counter ];
		}
		$totals['rejected_users'] = array_slice( array_merge( $totals['rejected_users'], $batch['rejected_users'] ), 0, 20 );
		$after_id                 = $batch['last_id'];
	} while ( ! $batch['done'] );
	return $totals;
}

/**
 * Starts civilink's sync job of this site's domain.
 *
 * @param bool $dry_run Report only, write nothing.
 * @return array|WP_Error The job (docs/contract.md's SyncJob).
 */
function civilink_start_sync( $dry_run ) {
	$response = civilink_request( 'POST', civilink_domain_path( '/sync' ), array( 'dryRun' => (bool) $dry_run ) );
	if ( is_wp_error( $response ) ) {
		$data = $response->get_error_data();
		if ( is_array( $data ) && 'SyncAlreadyRunning' === $data['kind'] ) {
			return new WP_Error( 'civilink_sync_already_running', __( 'A synchronization of this site is already running in civilink; wait for it to end.', 'civilink' ), $data );
		}
		return $response;
	}
	if ( empty( $response['body']['id'] ) ) {
		return new WP_Error( 'civilink_bad_answer', __( 'civilink did not give the sync job an id.', 'civilink' ) );
	}
	update_option( 'civilink_last_sync_job', (string) $response['body']['id'], false );
	return $response['body'];
}

/**
 * Whether a string can be a sync job id.
 *
 * @param string $job_id The id.
 * @return bool
 */
function civilink_is_job_id( $job_id ) {
	return is_string( $job_id ) && 1 === preg_match( '/^[A-Za-z0-9-]{1,100}$/', $job_id );
}

/**
 * One sync job as civilink has it now.
 *
 * @param string $job_id The job.
 * @return array|WP_Error
 */
function civilink_get_sync_job( $job_id ) {
	if ( ! civilink_is_job_id( $job_id ) ) {
		return new WP_Error( 'civilink_bad_job', __( 'Not a sync job id.', 'civilink' ) );
	}
	$response = civilink_request( 'GET', '/v1/sync-jobs/' . $job_id );
	return is_wp_error( $response ) ? $response : $response['body'];
}

/**
 * Waits until a sync job has ended.
 *
 * @param string $job_id The job.
 * @param int    $max_seconds How long to wait at most.
 * @return array|WP_Error The finished job; a WP_Error when it failed (the job is in its data),
 *                        when it could not be read, or when it did not end in time.
 */
function civilink_wait_for_sync_job( $job_id, $max_seconds ) {
	$deadline = microtime( true ) + $max_seconds;
	$misses   = 0;
	while ( true ) {
		$job = civilink_get_sync_job( $job_id );
		if ( is_wp_error( $job ) ) {
			// civilink may be restarting: a few misses in a row are waited out.
			if ( ! civilink_error_is_retryable( $job ) || ++$misses > 10 ) {
				return $job;
			}
		} else {
			$misses = 0;
			if ( 'succeeded' === $job['status'] ) {
				return $job;
			}
			if ( 'failed' === $job['status'] ) {
				return new WP_Error( 'civilink_sync_failed', (string) $job['message'], array( 'job' => $job ) );
			}
		}
		if ( microtime( true ) > $deadline ) {
			return new WP_Error( 'civilink_sync_timeout', __( 'The synchronization did not end in time; it goes on in civilink.', 'civilink' ), array( 'job_id' => $job_id ) );
		}
		usleep( 500000 );
	}
}

/**
 * "Synchronize Users to Contacts" for scripts: sends every user of the site to civilink, runs
 * the sync and waits for its end.
 *
 * @param array $args `dry_run` (default false): report only; `max_wait` in seconds (default 3600).
 * @return array|WP_Error The finished job (docs/contract.md's SyncJob, with `message`, the §9
 *                        summary, and `import`: what the directory import did), or why not.
 */
function civilink_synchronize_users( $args = array() ) {
	$args = wp_parse_args(
		$args,
		array(
			'dry_run'  => false,
			'max_wait' => HOUR_IN_SECONDS,
		)
	);
	if ( ! civilink_is_configured() ) {
		return new WP_Error( 'civilink_not_configured', __( 'civilink is not configured: set its URL and API key.', 'civilink' ) );
	}
	$import = civilink_send_all_users();
	if ( is_wp_error( $import ) ) {
		return $import;
	}
	$job = civilink_start_sync( (bool) $args['dry_run'] );
	if ( is_wp_error( $job ) ) {
		return $job;
	}
	$finished = civilink_wait_for_sync_job( $job['id'], (int) $args['max_wait'] );
	if ( is_wp_error( $finished ) ) {
		return $finished;
	}
	$finished['import'] = $import;
	return $finished;
}
