<?php
/**
 * Users → Synchronize Users to Contacts (wp-admin/users.php?page=civilink-sync).
 *
 * With JavaScript the page sends the users batch by batch through admin-ajax, starts the sync
 * and shows its progress; without, the form does all of it in one request and the page reloads
 * until the job has ended. The API key never reaches the browser: admin-ajax asks civilink.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * Who may synchronize: administrators.
 */
const CIVILINK_SYNC_CAPABILITY = 'manage_options';

add_action( 'admin_menu', 'civilink_add_sync_page' );
add_action( 'wp_ajax_civilink_sync_import', 'civilink_ajax_sync_import' );
add_action( 'wp_ajax_civilink_sync_start', 'civilink_ajax_sync_start' );
add_action( 'wp_ajax_civilink_sync_status', 'civilink_ajax_sync_status' );

/**
 * Adds Users → Synchronize Users to Contacts.
 */
function civilink_add_sync_page() {
	$hook = add_users_page(
		__( 'Synchronize Users to Contacts', 'civilink' ),
		__( 'Synchronize Users to Contacts', 'civilink' ),
		CIVILINK_SYNC_CAPABILITY,
		'civilink-sync',
		'civilink_render_sync_page'
	);
	if ( $hook ) {
		add_action( 'load-' . $hook, 'civilink_handle_sync_form' );
	}
}

/**
 * The page's script, and the form's action when the browser runs no script.
 */
function civilink_handle_sync_form() {
	add_action( 'admin_enqueue_scripts', 'civilink_enqueue_sync_script' );
	if ( ! isset( $_POST['civilink_sync'] ) ) {
		return;
	}
	check_admin_referer( 'civilink_sync' );
	if ( ! current_user_can( CIVILINK_SYNC_CAPABILITY ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'civilink' ), 403 );
	}
	if ( ! civilink_is_configured() ) {
		return;
	}
	if ( function_exists( 'set_time_limit' ) ) {
		set_time_limit( 0 );
	}
	$import = civilink_send_all_users();
	$job    = is_wp_error( $import ) ? $import : civilink_start_sync( ! empty( $_POST['dry_run'] ) );
	if ( is_wp_error( $job ) ) {
		civilink_sync_page_error( $job );
		return;
	}
	wp_safe_redirect(
		add_query_arg(
			array(
				'page'     => 'civilink-sync',
				'job'      => rawurlencode( $job['id'] ),
				'sent'     => $import['sent'],
				'rejected' => $import['rejected'],
			),
			admin_url( 'users.php' )
		)
	);
	exit;
}

/**
 * The failure of the form's action on this request, once there is one.
 *
 * @param WP_Error|null $error The failure to keep, or null to read.
 * @return WP_Error|null
 */
function civilink_sync_page_error( $error = null ) {
	static $kept = null;
	if ( null !== $error ) {
		$kept = $error;
	}
	return $kept;
}

/**
 * Loads the page's script.
 */
function civilink_enqueue_sync_script() {
	wp_enqueue_script( 'civilink-sync', plugins_url( 'assets/sync.js', CIVILINK_PLUGIN_FILE ), array(), CIVILINK_PLUGIN_VERSION, true );
	wp_localize_script(
		'civilink-sync',
		'civilinkSync',
		array(
			'ajaxUrl' => admin_url( 'admin-ajax.php' ),
			/* translators: 1: users sent so far, 2: users of the site. */
			'sending' => __( 'Sending users to civilink: %1$d of %2$d', 'civilink' ),
			/* translators: 1: users checked so far, 2: users to check. */
			'syncing' => __( 'Synchronizing: %1$d of %2$d', 'civilink' ),
			'failed'  => __( 'The synchronization could not run:', 'civilink' ),
		)
	);
}

/**
 * Stops an admin-ajax request that lacks the nonce, the capability or the settings.
 */
function civilink_sync_ajax_guard() {
	check_ajax_referer( 'civilink_sync' );
	if ( ! current_user_can( CIVILINK_SYNC_CAPABILITY ) ) {
		wp_send_json_error( array( 'message' => __( 'Sorry, you are not allowed to do that.', 'civilink' ) ), 403 );
	}
	if ( ! civilink_is_configured() ) {
		wp_send_json_error( array( 'message' => __( 'civilink is not configured: set its URL and API key.', 'civilink' ) ), 400 );
	}
}

/**
 * Answers an admin-ajax request with civilink's failure.
 *
 * @param WP_Error $error The failure.
 */
function civilink_sync_ajax_failure( $error ) {
	wp_send_json_error( array( 'message' => $error->get_error_message() ), 502 );
}

/**
 * admin-ajax `civilink_sync_import`: sends the batch of users after `after` to the directory.
 */
function civilink_ajax_sync_import() {
	civilink_sync_ajax_guard();
	$after = isset( $_POST['after'] ) ? absint( wp_unslash( $_POST['after'] ) ) : 0;
	$batch = civilink_send_user_batch( $after );
	if ( is_wp_error( $batch ) ) {
		civilink_sync_ajax_failure( $batch );
	}
	wp_send_json_success(
		array(
			'sent'     => $batch['sent'],
			'lastId'   => $batch['last_id'],
			'done'     => $batch['done'],
			'rejected' => $batch['rejected'],
		)
	);
}

/**
 * admin-ajax `civilink_sync_start`: starts the sync job.
 */
function civilink_ajax_sync_start() {
	civilink_sync_ajax_guard();
	$dry_run = isset( $_POST['dry_run'] ) && '1' === sanitize_text_field( wp_unslash( $_POST['dry_run'] ) );
	$job     = civilink_start_sync( $dry_run );
	if ( is_wp_error( $job ) ) {
		civilink_sync_ajax_failure( $job );
	}
	wp_send_json_success( civilink_sync_job_for_browser( $job ) );
}

/**
 * admin-ajax `civilink_sync_status`: the job's progress, and its summary once it ended.
 */
function civilink_ajax_sync_status() {
	civilink_sync_ajax_guard();
	$job_id = isset( $_POST['job'] ) ? sanitize_text_field( wp_unslash( $_POST['job'] ) ) : '';
	$job    = civilink_get_sync_job( $job_id );
	if ( is_wp_error( $job ) ) {
		civilink_sync_ajax_failure( $job );
	}
	wp_send_json_success( civilink_sync_job_for_browser( $job ) );
}

/**
 * What the page's script needs of a job; `html` is the summary notice once it ended.
 *
 * @param array $job docs/contract.md's SyncJob.
 * @return array
 */
function civilink_sync_job_for_browser( $job ) {
	$running = 'running' === $job['status'];
	$html    = '';
	if ( ! $running ) {
		ob_start();
		civilink_render_sync_result( $job );
		$html = ob_get_clean();
	}
	return array(
		'id'        => (string) $job['id'],
		'status'    => (string) $job['status'],
		'dryRun'    => ! empty( $job['dryRun'] ),
		'processed' => isset( $job['progress']['processed'] ) ? (int) $job['progress']['processed'] : 0,
		'total'     => isset( $job['progress']['total'] ) ? (int) $job['progress']['total'] : 0,
		'message'   => isset( $job['message'] ) ? (string) $job['message'] : '',
		'html'      => $html,
	);
}

/**
 * The notice with a finished job's summary (§9), as CiviCRM's own screen shows it.
 *
 * @param array $job docs/contract.md's SyncJob, finished.
 */
function civilink_render_sync_result( $job ) {
	$succeeded = 'succeeded' === $job['status'];
	$message   = isset( $job['message'] ) ? (string) $job['message'] : '';
	$failures  = isset( $job['failures'] ) && is_array( $job['failures'] ) ? $job['failures'] : array();
	?>
	<div id="civilink-sync-summary" class="notice <?php echo esc_attr( $succeeded ? 'notice-success' : 'notice-error' ); ?>">
		<?php if ( ! $succeeded ) : ?>
			<p><?php esc_html_e( 'The synchronization could not finish.', 'civilink' ); ?></p>
		<?php elseif ( ! empty( $job['dryRun'] ) ) : ?>
			<p><?php esc_html_e( 'Dry run: nothing was written.', 'civilink' ); ?></p>
		<?php endif; ?>
		<p class="civilink-sync-message"><?php echo esc_html( $message ); ?></p>
		<?php if ( ! empty( $failures ) ) : ?>
			<ul>
				<?php foreach ( array_slice( $failures, 0, 50 ) as $failure ) : ?>
					<li>
						<?php
						/* translators: 1: user id, 2: why the user failed. */
						echo esc_html( sprintf( __( 'User %1$d: %2$s', 'civilink' ), (int) $failure['userId'], (string) $failure['reason'] ) );
						?>
					</li>
				<?php endforeach; ?>
			</ul>
		<?php endif; ?>
	</div>
	<?php
}

/**
 * Users → Synchronize Users to Contacts.
 */
function civilink_render_sync_page() {
	if ( ! current_user_can( CIVILINK_SYNC_CAPABILITY ) ) {
		return;
	}
	$error  = civilink_sync_page_error();
	$job_id = isset( $_GET['job'] ) ? sanitize_text_field( wp_unslash( $_GET['job'] ) ) : '';
	$job    = null;
	if ( '' !== $job_id && civilink_is_configured() ) {
		$job = civilink_get_sync_job( $job_id );
		if ( is_wp_error( $job ) ) {
			$error = $job;
			$job   = null;
		}
	}
	$running = is_array( $job ) && 'running' === $job['status'];
	$users   = civilink_count_site_users();
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'Synchronize Users to Contacts', 'civilink' ); ?></h1>
		<p>
			<?php
			printf(
				/* translators: %d: number of users. */
				esc_html( _n( 'This sends the %d user of this site to civilink, then links each user to a contact in the CRM: the contact with the same email address, or else a new one. Users already linked stay as they are.', 'This sends the %d users of this site to civilink, then links each user to a contact in the CRM: the contact with the same email address, or else a new one. Users already linked stay as they are.', $users, 'civilink' ) ),
				(int) $users
			);
			?>
		</p>
		<?php if ( ! civilink_is_configured() ) : ?>
			<div class="notice notice-warning"><p>
				<?php
				printf(
					/* translators: %s: link to the settings page. */
					esc_html__( 'civilink is not configured yet: see %s.', 'civilink' ),
					'<a href="' . esc_url( admin_url( 'options-general.php?page=civilink' ) ) . '">' . esc_html__( 'Settings → civilink', 'civilink' ) . '</a>'
				);
				?>
			</p></div>
		<?php endif; ?>
		<?php if ( $error ) : ?>
			<div class="notice notice-error"><p><?php echo esc_html( $error->get_error_message() ); ?></p></div>
		<?php endif; ?>

		<form method="post" id="civilink-sync-form" data-users="<?php echo esc_attr( (string) $users ); ?>">
			<?php wp_nonce_field( 'civilink_sync' ); ?>
			<p>
				<label for="civilink-dry-run">
					<input type="checkbox" name="dry_run" id="civilink-dry-run" value="1" />
					<?php esc_html_e( 'Dry run: show what would be done, change nothing', 'civilink' ); ?>
				</label>
			</p>
			<?php submit_button( __( 'Synchronize Users to Contacts', 'civilink' ), 'primary', 'civilink_sync', false, $running ? array( 'disabled' => 'disabled' ) : null ); ?>
		</form>

		<div id="civilink-sync-status" data-job="<?php echo esc_attr( $running ? $job['id'] : '' ); ?>" <?php echo $running ? '' : 'hidden'; ?>>
			<p id="civilink-sync-step">
				<?php
				if ( $running ) {
					printf(
						/* translators: 1: users checked so far, 2: users to check. */
						esc_html__( 'Synchronizing: %1$d of %2$d', 'civilink' ),
						(int) $job['progress']['processed'],
						(int) $job['progress']['total']
					);
				}
				?>
			</p>
			<progress id="civilink-sync-progress" max="<?php echo esc_attr( $running ? (string) max( 1, (int) $job['progress']['total'] ) : '1' ); ?>" value="<?php echo esc_attr( $running ? (string) (int) $job['progress']['processed'] : '0' ); ?>"></progress>
			<?php if ( $running ) : ?>
				<noscript><meta http-equiv="refresh" content="2" /></noscript>
			<?php endif; ?>
		</div>

		<div id="civilink-sync-result">
			<?php
			if ( is_array( $job ) && ! $running ) {
				civilink_render_sync_result( $job );
			}
			if ( isset( $_GET['rejected'] ) && absint( $_GET['rejected'] ) > 0 ) {
				printf(
					'<div class="notice notice-warning"><p>%s</p></div>',
					esc_html(
						sprintf(
							/* translators: %d: number of users. */
							_n( 'civilink refused %d user of this site; it was left out.', 'civilink refused %d users of this site; they were left out.', absint( $_GET['rejected'] ), 'civilink' ),
							absint( $_GET['rejected'] )
						)
					)
				);
			}
			?>
		</div>
	</div>
	<?php
}
