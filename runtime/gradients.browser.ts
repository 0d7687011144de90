// Browser twin of gradients.ts (picked by the playground's bundler, playground/build.mjs): the bundler resolves
// tfjs-core's ES modules itself, so its gradient registrations are a plain import.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import './gradients-compare.js';
