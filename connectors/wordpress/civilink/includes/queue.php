<?php
/**
 * The queue of events civilink could not take when they happened.
 *
 * Events are delivered oldest first per user, and a user's events stop at the first one that
 * fails, so that civilink sees them in the order they happened (a deletion after a
 * registration must not arrive first).
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * How long the queue processor may deliver events in one run, in seconds.
 */
const CIVILINK_QUEUE_TIME_BUDGET = 30;

/**
 * The longest wait between two attempts of a queued event, in seconds.
 */
const CIVILINK_QUEUE_MAX_DELAY = HOUR_IN_SECONDS;

/**
 * The queue table of the current site.
 *
 * @return string
 */
function civilink_queue_table() {
	global $wpdb;
	return $wpdb->prefix . 'civilink_queue';
}

/**
 * Creates or updates the queue table of the current site.
 */
function civilink_install_queue_table() {
	global $wpdb;
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$table   = civilink_queue_table();
	$collate = $wpdb->get_charset_collate();
	dbDelta(
		"CREATE TABLE {$table} (
  id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  user_id bigint(20) unsigned NOT NULL DEFAULT 0,
  event varchar(32) NOT NULL,
  payload longtext NOT NULL,
  attempts int(10) unsigned NOT NULL DEFAULT 0,
  next_attempt_at datetime NOT NULL,
  created_at datetime NOT NULL,
  PRIMARY KEY  (id),
  KEY user_event (user_id,id)
) {$collate};"
	);
}

/**
 * Queues an event; it is due at once, that is at the next run of the queue.
 *
 * @param int    $user_id The WordPress user, 0 for an anonymous interaction.
 * @param string $event   One of civilink_event_names().
 * @param array  $body    The request body.
 * @return bool Whether it was stored.
 */
function civilink_enqueue_event( $user_id, $event, $body ) {
	global $wpdb;
	$now    = gmdate( 'Y-m-d H:i:s' );
	$stored = $wpdb->insert(
		civilink_queue_table(),
		array(
			'user_id'         => absint( $user_id ),
			'event'           => $event,
			'payload'         => wp_json_encode( $body ),
			'attempts'        => 0,
			'next_attempt_at' => $now,
			'created_at'      => $now,
		),
		array( '%d', '%s', '%s', '%d', '%s', '%s' )
	);
	if ( false === $stored ) {
		civilink_log( sprintf( 'could not queue a %s event of user %d: the queue table refused it', $event, $user_id ) );
	}
	return false !== $stored;
}

/**
 * Whether events of this user wait in the queue; a new event of theirs must then wait behind them.
 *
 * @param int $user_id The WordPress user, 0 for anonymous interactions.
 * @return bool
 */
function civilink_has_queued_events( $user_id ) {
	global $wpdb;
	$table = civilink_queue_table();
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is ours.
	return null !== $wpdb->get_var( $wpdb->prepare( "SELECT id FROM {$table} WHERE user_id = %d LIMIT 1", $user_id ) );
}

/**
 * How many events wait in the queue.
 *
 * @return int
 */
function civilink_queue_length() {
	global $wpdb;
	$table = civilink_queue_table();
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is ours.
	return (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$table}" );
}

/**
 * The wait before the next attempt of an event that failed $attempts times: 1, 2, 4 … minutes, at most an hour.
 *
 * @param int $attempts Failed attempts so far, at least 1.
 * @return int Seconds.
 */
function civilink_retry_delay( $attempts ) {
	$exponent = min( max( (int) $attempts, 1 ) - 1, 10 );
	return (int) min( MINUTE_IN_SECONDS * ( 2 ** $exponent ), CIVILINK_QUEUE_MAX_DELAY );
}

/**
 * The first waiting event of each user whose turn has come, oldest first.
 *
 * @param int $limit At most this many.
 * @return array<object> Rows of the queue table.
 */
function civilink_due_queue_heads( $limit ) {
	global $wpdb;
	$table = civilink_queue_table();
	// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is ours.
	return $wpdb->get_results(
		$wpdb->prepare(
			"SELECT q.* FROM {$table} q
			JOIN (SELECT MIN(id) AS id FROM {$table} GROUP BY user_id) heads ON heads.id = q.id
			WHERE q.next_attempt_at <= %s ORDER BY q.id LIMIT %d",
			gmdate( 'Y-m-d H:i:s' ),
			$limit
		)
	);
	// phpcs:enable
}

/**
 * The oldest waiting event of one user.
 *
 * @param int $user_id The WordPress user.
 * @return object|null A row of the queue table.
 */
function civilink_queue_head_of( $user_id ) {
	global $wpdb;
	$table = civilink_queue_table();
	// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the table name is ours.
	return $wpdb->get_row( $wpdb->prepare( "SELECT * FROM {$table} WHERE user_id = %d ORDER BY id LIMIT 1", $user_id ) );
}

/**
 * Delivers the queued events whose turn has come.
 *
 * Per user, events go oldest first; a user's delivery stops at an event that fails again, which
 * then waits longer (civilink_retry_delay()). When civilink does not answer at all, the run
 * stops: the other users' events would only wait for the same timeout.
 *
 * @return array{delivered: int, dropped: int, failed: int, waiting: int, reachable: bool}
 */
function civilink_deliver_queued_events() {
	global $wpdb;
	$report   = array(
		'delivered' => 0,
		'dropped'   => 0,
		'failed'    => 0,
		'waiting'   => 0,
		'reachable' => true,
	);
	$deadline = microtime( true ) + CIVILINK_QUEUE_TIME_BUDGET;
	$table    = civilink_queue_table();

	do {
		$heads = civilink_due_queue_heads( 100 );
		foreach ( $heads as $event ) {
			while ( $event && $event->next_attempt_at <= gmdate( 'Y-m-d H:i:s' ) ) {
				$body   = json_decode( $event->payload, true );
				$result = civilink_deliver_event( $event->event, (int) $event->user_id, is_array( $body ) ? $body : array() );
				if ( is_wp_error( $result ) && civilink_error_is_retryable( $result ) ) {
					$attempts = (int) $event->attempts + 1;
					$wpdb->update(
						$table,
						array(
							'attempts'        => $attempts,
							'next_attempt_at' => gmdate( 'Y-m-d H:i:s', time() + civilink_retry_delay( $attempts ) ),
						),
						array( 'id' => $event->id ),
						array( '%d', '%s' ),
						array( '%d' )
					);
					++$report['failed'];
					$data = $result->get_error_data();
					if ( empty( $data['status'] ) ) {
						$report['reachable'] = false;
						break 3;
					}
					break;
				}
				if ( is_wp_error( $result ) ) {
					civilink_log_dropped_event( $event->event, (int) $event->user_id, $result );
					++$report['dropped'];
				} else {
					++$report['delivered'];
				}
				// Removed only once delivered: a new event of this user meanwhile finds it and queues behind it.
				$wpdb->delete( $table, array( 'id' => $event->id ), array( '%d' ) );
				if ( microtime( true ) > $deadline ) {
					break 3;
				}
				$event = civilink_queue_head_of( (int) $event->user_id );
			}
		}
	} while ( ! empty( $heads ) && microtime( true ) <= $deadline );

	$report['waiting'] = civilink_queue_length();
	return $report;
}
