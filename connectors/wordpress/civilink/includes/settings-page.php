<?php
/**
 * Settings → civilink: the connection's settings and "Test connection".
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

add_action( 'admin_menu', 'civilink_add_settings_page' );
add_action( 'admin_init', 'civilink_register_settings' );

/**
 * Adds Settings → civilink.
 */
function civilink_add_settings_page() {
	$hook = add_options_page( __( 'civilink', 'civilink' ), __( 'civilink', 'civilink' ), 'manage_options', 'civilink', 'civilink_render_settings_page' );
	if ( $hook ) {
		add_action( 'load-' . $hook, 'civilink_handle_test_connection' );
	}
}

/**
 * Registers the option that holds the settings the constants do not set.
 */
function civilink_register_settings() {
	register_setting(
		'civilink',
		'civilink_settings',
		array(
			'type'              => 'array',
			'sanitize_callback' => 'civilink_sanitize_settings',
			'default'           => array(),
		)
	);
}

/**
 * Cleans the submitted settings. An empty API key field keeps the saved key, which the page
 * never shows.
 *
 * @param mixed $input The submitted fields.
 * @return array
 */
function civilink_sanitize_settings( $input ) {
	$input = is_array( $input ) ? $input : array();
	$saved = get_option( 'civilink_settings', array() );
	$saved = is_array( $saved ) ? $saved : array();
	$key   = isset( $input['api_key'] ) ? trim( sanitize_text_field( wp_unslash( $input['api_key'] ) ) ) : '';
	return array(
		'url'       => isset( $input['url'] ) ? esc_url_raw( trim( wp_unslash( $input['url'] ) ), array( 'http', 'https' ) ) : '',
		'api_key'   => '' === $key && isset( $saved['api_key'] ) ? $saved['api_key'] : $key,
		'domain_id' => civilink_normalize_setting( 'domain_id', isset( $input['domain_id'] ) ? $input['domain_id'] : 1 ),
		'timeout'   => civilink_normalize_setting( 'timeout', isset( $input['timeout'] ) ? $input['timeout'] : 2 ),
	);
}

/**
 * The result of "Test connection" on this request, once it ran.
 *
 * @param array|WP_Error|null $result The result to keep, or null to read.
 * @return array|WP_Error|null
 */
function civilink_connection_test_result( $result = null ) {
	static $kept = null;
	if ( null !== $result ) {
		$kept = $result;
	}
	return $kept;
}

/**
 * Runs "Test connection" when its button was pressed.
 */
function civilink_handle_test_connection() {
	if ( ! isset( $_POST['civilink_test_connection'] ) ) {
		return;
	}
	check_admin_referer( 'civilink_test_connection' );
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'civilink' ), 403 );
	}
	civilink_connection_test_result( civilink_test_connection() );
}

/**
 * Asks civilink for this site's domain, then whether the key may send events and start a sync.
 *
 * The scope checks send requests that civilink refuses before doing anything: an invalid user id
 * (400 with the `events` scope, 403 without) and an invalid dry-run flag (400 with `admin`).
 *
 * @return array{domain: array, events: bool, admin: bool}|WP_Error
 */
function civilink_test_connection() {
	if ( ! civilink_is_configured() ) {
		return new WP_Error( 'civilink_not_configured', __( 'Set civilink\'s URL and API key first.', 'civilink' ) );
	}
	$domain = civilink_request( 'GET', civilink_domain_path() );
	if ( is_wp_error( $domain ) ) {
		return $domain;
	}
	civilink_mark_reachable();
	$events = civilink_request( 'POST', civilink_domain_path( '/users/0/logged-in' ), array() );
	$admin  = civilink_request( 'POST', civilink_domain_path( '/sync' ), array( 'dryRun' => 'scope-check' ) );
	return array(
		'domain' => $domain['body'],
		'events' => civilink_answered_status( $events, 400 ),
		'admin'  => civilink_answered_status( $admin, 400 ),
	);
}

/**
 * Whether civilink answered with this status.
 *
 * @param array|WP_Error $response What civilink_request() returned.
 * @param int            $status   The status.
 * @return bool
 */
function civilink_answered_status( $response, $status ) {
	if ( ! is_wp_error( $response ) ) {
		return $response['status'] === $status;
	}
	$data = $response->get_error_data();
	return is_array( $data ) && $data['status'] === $status;
}

/**
 * One row of the settings table.
 *
 * @param string $name  The setting.
 * @param string $label Its label.
 * @param string $type  The input type.
 * @param string $help  A description.
 */
function civilink_render_setting_row( $name, $label, $type, $help ) {
	$definitions = civilink_setting_definitions();
	$constant    = $definitions[ $name ]['constant'];
	$id          = 'civilink-' . str_replace( '_', '-', $name );
	$is_constant = civilink_setting_is_constant( $name );
	$is_key      = 'api_key' === $name;
	$value       = $is_key ? '' : (string) civilink_setting( $name );
	?>
	<tr>
		<th scope="row"><label for="<?php echo esc_attr( $id ); ?>"><?php echo esc_html( $label ); ?></label></th>
		<td>
			<?php if ( $is_constant ) : ?>
				<input type="<?php echo esc_attr( $is_key ? 'password' : 'text' ); ?>" id="<?php echo esc_attr( $id ); ?>" class="regular-text" value="<?php echo esc_attr( $is_key ? '********' : $value ); ?>" readonly disabled />
				<p class="description">
					<?php
					/* translators: %s: the name of a constant, e.g. CIVILINK_URL. */
					printf( esc_html__( 'Set by %s in wp-config.php.', 'civilink' ), '<code>' . esc_html( $constant ) . '</code>' );
					?>
				</p>
			<?php else : ?>
				<input type="<?php echo esc_attr( $type ); ?>" id="<?php echo esc_attr( $id ); ?>" name="civilink_settings[<?php echo esc_attr( $name ); ?>]" class="regular-text" value="<?php echo esc_attr( $value ); ?>" <?php echo 'number' === $type ? 'step="any" min="0"' : ''; ?> autocomplete="off" />
				<p class="description">
					<?php echo esc_html( $help ); ?>
					<?php
					/* translators: %s: the name of a constant, e.g. CIVILINK_URL. */
					printf( esc_html__( 'The constant %s in wp-config.php overrides this field.', 'civilink' ), '<code>' . esc_html( $constant ) . '</code>' );
					?>
				</p>
			<?php endif; ?>
		</td>
	</tr>
	<?php
}

/**
 * The notice with the result of "Test connection".
 *
 * @param array|WP_Error $result The result.
 */
function civilink_render_connection_test_result( $result ) {
	if ( is_wp_error( $result ) ) {
		printf(
			'<div class="notice notice-error"><p>%s</p></div>',
			/* translators: %s: why the connection failed. */
			esc_html( sprintf( __( 'Connection failed: %s', 'civilink' ), $result->get_error_message() ) )
		);
		return;
	}
	$domain = $result['domain'];
	$lines  = array(
		sprintf(
			/* translators: 1: domain id, 2: domain name, 3: the domain's CMS. */
			__( 'Connected to civilink: domain %1$d "%2$s" (CMS %3$s).', 'civilink' ),
			isset( $domain['id'] ) ? (int) $domain['id'] : 0,
			isset( $domain['name'] ) ? (string) $domain['name'] : '',
			isset( $domain['cms'] ) ? (string) $domain['cms'] : ''
		),
		$result['events']
			? __( 'The key may send user events (scope events).', 'civilink' )
			: __( 'The key may not send user events: it needs the scope events.', 'civilink' ),
		$result['admin']
			? __( 'The key may synchronize users (scope admin).', 'civilink' )
			: __( 'The key may not synchronize users: Synchronize Users to Contacts needs the scope admin.', 'civilink' ),
	);
	if ( isset( $domain['cms'] ) && 'wordpress' !== $domain['cms'] ) {
		$lines[] = __( 'The domain is not set up as a WordPress site: civilink applies the rules of its CMS to this site\'s events.', 'civilink' );
	}
	$class = $result['events'] ? 'notice-success' : 'notice-warning';
	echo '<div class="notice ' . esc_attr( $class ) . '" id="civilink-connection-result">';
	foreach ( $lines as $line ) {
		echo '<p>' . esc_html( $line ) . '</p>';
	}
	echo '</div>';
}

/**
 * Settings → civilink.
 */
function civilink_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$all_constants = civilink_setting_is_constant( 'url' ) && civilink_setting_is_constant( 'api_key' )
		&& civilink_setting_is_constant( 'domain_id' ) && civilink_setting_is_constant( 'timeout' );
	$result        = civilink_connection_test_result();
	$next_run      = wp_next_scheduled( 'civilink_cron' );
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'civilink', 'civilink' ); ?></h1>
		<p><?php esc_html_e( 'civilink links the users of this site to contacts in the CRM: on registration, login, profile update and deletion, and with Synchronize Users to Contacts.', 'civilink' ); ?></p>
		<p>
			<?php
			printf(
				/* translators: 1, 2 and 3: scope names, 4: link to the sync page. */
				esc_html__( 'The API key needs the scopes %1$s and %2$s, and %3$s for %4$s.', 'civilink' ),
				'<code>events</code>',
				'<code>read</code>',
				'<code>admin</code>',
				'<a href="' . esc_url( admin_url( 'users.php?page=civilink-sync' ) ) . '">' . esc_html__( 'Synchronize Users to Contacts', 'civilink' ) . '</a>'
			);
			?>
		</p>
		<?php
		if ( null !== $result ) {
			civilink_render_connection_test_result( $result );
		}
		?>
		<form method="post" id="civilink-settings-form" action="<?php echo esc_url( admin_url( 'options.php' ) ); ?>">
			<?php settings_fields( 'civilink' ); ?>
			<table class="form-table" role="presentation">
				<?php
				civilink_render_setting_row( 'url', __( 'civilink URL', 'civilink' ), 'url', __( 'The address of the civilink server, e.g. http://127.0.0.1:3000.', 'civilink' ) );
				civilink_render_setting_row( 'api_key', __( 'API key', 'civilink' ), 'password', __( 'Leave empty to keep the saved key.', 'civilink' ) );
				civilink_render_setting_row( 'domain_id', __( 'Domain ID', 'civilink' ), 'number', __( 'This site\'s domain in civilink; each site of a network is a domain of its own.', 'civilink' ) );
				civilink_render_setting_row( 'timeout', __( 'Timeout (seconds)', 'civilink' ), 'number', __( 'How long a login or registration waits for civilink at most; an event it did not take is queued.', 'civilink' ) );
				?>
			</table>
			<?php
			if ( ! $all_constants ) {
				submit_button();
			}
			?>
		</form>

		<h2><?php esc_html_e( 'Connection', 'civilink' ); ?></h2>
		<form method="post" id="civilink-test-connection-form">
			<?php wp_nonce_field( 'civilink_test_connection' ); ?>
			<p><button type="submit" class="button" name="civilink_test_connection" value="1"><?php esc_html_e( 'Test connection', 'civilink' ); ?></button></p>
		</form>

		<h2><?php esc_html_e( 'Queue', 'civilink' ); ?></h2>
		<p>
			<?php
			$waiting = civilink_queue_length();
			printf(
				/* translators: %d: number of events. */
				esc_html( _n( '%d event waits for civilink.', '%d events wait for civilink.', $waiting, 'civilink' ) ),
				(int) $waiting
			);
			if ( $next_run ) {
				echo ' ';
				printf(
					/* translators: %s: a time. */
					esc_html__( 'Next delivery: %s.', 'civilink' ),
					esc_html( wp_date( get_option( 'time_format' ), $next_run ) )
				);
			}
			?>
		</p>
	</div>
	<?php
}
