/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npm run dev` proxies the API to a `linli serve` on :8080.
export default defineConfig({
  plugins: [vue()],
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  // The manifest lets scripts/budget.mjs check what loads with what.
  build: { chunkSizeWarningLimit: 1500, manifest: true },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'] },
})
