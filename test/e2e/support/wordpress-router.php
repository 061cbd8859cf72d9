<?php
/**
 * Router of `php -S` for a test WordPress site: picks the site's config file for Debian's
 * wp-config.php, and serves the plugins' folder (WP_PLUGIN_URL) from WP_PLUGIN_DIR.
 */

$_SERVER['WORDPRESS_CONFIG'] = getenv( 'WORDPRESS_CONFIG' );

$civilink_e2e_path = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
if ( str_starts_with( $civilink_e2e_path, '/e2e-plugins/' ) ) {
	$civilink_e2e_rest   = substr( $civilink_e2e_path, strlen( '/e2e-plugins/' ) );
	$civilink_e2e_plugin = realpath( getenv( 'E2E_PLUGIN_DIR' ) . '/' . strtok( $civilink_e2e_rest, '/' ) );
	$civilink_e2e_file   = realpath( getenv( 'E2E_PLUGIN_DIR' ) . '/' . $civilink_e2e_rest );
	$civilink_e2e_type = array(
		'js'  => 'text/javascript',
		'css' => 'text/css',
	);
	$civilink_e2e_ext  = pathinfo( (string) $civilink_e2e_file, PATHINFO_EXTENSION );
	// A plugin's folder is a link to the project: the file must lie inside the folder it resolves to.
	$civilink_e2e_inside = false !== $civilink_e2e_plugin && false !== $civilink_e2e_file
		&& str_starts_with( $civilink_e2e_file, $civilink_e2e_plugin . '/' );
	if ( ! $civilink_e2e_inside || ! isset( $civilink_e2e_type[ $civilink_e2e_ext ] ) ) {
		http_response_code( 404 );
		return true;
	}
	header( 'Content-Type: ' . $civilink_e2e_type[ $civilink_e2e_ext ] );
	readfile( $civilink_e2e_file );
	return true;
}
return false;
