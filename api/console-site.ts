import express, { type Router } from 'express';
import helmet from 'helmet';

/**
 * The built web console: static files with long caching for hashed assets and none for the page
 * itself, so a new build is picked up at once. The console talks only to this API (connect-src 'self').
 */
export function consoleSite(dir: string): Router {
  const site = express.Router();
  site.use(
    helmet.contentSecurityPolicy({
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  site.use(
    '/assets',
    express.static(`${dir}/assets`, { immutable: true, maxAge: '365d', fallthrough: false }),
  );
  site.get('/', (_req, res) => {
    res.setHeader('cache-control', 'no-cache');
    res.sendFile('index.html', { root: dir });
  });
  return site;
}
