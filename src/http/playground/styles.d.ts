// esbuild bundles this stylesheet next to the playground's script (see ../playground-assets.ts).
declare module 'graphiql/style.css';
