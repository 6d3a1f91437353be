import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from '@/app/app';
import '@/app/app.css';
import { getEnv } from '@/lib/env';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Fail at start, on screen, when the build was configured wrongly, rather than on the first request.
try {
  getEnv();
} catch (error) {
  root.textContent = error instanceof Error ? error.message : String(error);
  throw error;
}

createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
);
