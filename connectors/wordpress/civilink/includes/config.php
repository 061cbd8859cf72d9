<?php
/**
 * Settings: a constant in wp-config.php wins over the value saved on the settings page.
 *
 * @package civilink
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings, each with the constant that overrides it and its default.
 *
 * @return array<string, array{constant: string, default: mixed}>
 */
function civilink_setting_definitions() {
	return array(
		'url'       => array(
			'constant' => 'CIVILINK_URL',
			'default'  => '',
		),
		'api_key'   => array(
			'constant' => 'CIVILINK_API_KEY',
			'default'  => '',
		),
		'domain_id' => array(
			'constant' => 'CIVILINK_DOMAIN_ID',
			'default'  => 1,
		),
		'timeout'   => array(
			'constant' => 'CIVILINK_TIMEOUT',
			'default'  => 2,
		),
	);
}

/**
 * Whether a setting comes from its wp-config.php constant.
 *
 * @param string $name One of the keys of civilink_setting_definitions().
 * @return bool
 */
function civilink_setting_is_constant( $name ) {
	$definitions = civilink_setting_definitions();
	return defined( $definitions[ $name ]['constant'] );
}

/**
 * A setting's value, normalised: the constant when defined, else the saved option, else the default.
 *
 * @param string $name One of the keys of civilink_setting_definitions().
 * @return string|int|float
 */
function civilink_setting( $name ) {
	$definitions = civilink_setting_definitions();
	$definition  = $definitions[ $name ];
	if ( defined( $definition['constant'] ) ) {
		$value = constant( $definition['constant'] );
	} else {
		$saved = get_option( 'civilink_settings', array() );
		$value = is_array( $saved ) && isset( $saved[ $name ] ) ? $saved[ $name ] : $definition['default'];
	}
	return civilink_normalize_setting( $name, $value );
}

/**
 * Brings a raw setting value to its type and range.
 *
 * @param string $name  The setting.
 * @param mixed  $value The raw value.
 * @return string|int|float
 */
function civilink_normalize_setting( $name, $value ) {
	switch ( $name ) {
		case 'url':
			return untrailingslashit( trim( (string) $value ) );
		case 'api_key':
			return trim( (string) $value );
		case 'domain_id':
			$domain_id = absint( $value );
			return $domain_id > 0 ? $domain_id : 1;
		case 'timeout':
			$timeout = (float) $value;
			if ( $timeout <= 0 ) {
				return 2.0;
			}
			return min( max( $timeout, 0.1 ), 30.0 );
	}
	return $value;
}

/**
 * Whether civilink's address and key are known; without them no event is sent or queued.
 *
 * @return bool
 */
function civilink_is_configured() {
	return '' !== civilink_setting( 'url' ) && '' !== civilink_setting( 'api_key' );
}

/**
 * The path of this site's domain in civilink's API.
 *
 * @param string $suffix What follows the domain, starting with a slash, or empty.
 * @return string
 */
function civilink_domain_path( $suffix = '' ) {
	return '/v1/domains/' . civilink_setting( 'domain_id' ) . $suffix;
}
