/**
 * `npm start`: the provider with the default seed. (The demo app joins it here once it exists.)
 */
import './provider/cli.js';
