/**
 * headroom's version: set by the build (scripts/build.mjs) in the bundle; from source it is a
 * development build.
 *
 * @since 0.4.0
 */
declare const HEADROOM_VERSION: string | undefined

export const VERSION: string = typeof HEADROOM_VERSION === "string" ? HEADROOM_VERSION : "0.0.0-dev"
