import { Link, NavLink, Outlet, Route, Routes, useMatch, useParams } from 'react-router';
import { ImagePage } from '@/app/routes/image-page';
import { ImagesPage } from '@/app/routes/images-page';
import { NotFoundPage } from '@/app/routes/not-found-page';
import { RunPage } from '@/app/routes/run-page';
import { RunsPage } from '@/app/routes/runs-page';
import { paths } from '@/config/paths';

/** The routes; main.tsx supplies the browser router, tests a memory router. */
export function App() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<ImagesPage />} />
        <Route path="images/:image" element={<ImageRoute />} />
        <Route path="runs" element={<RunsPage />} />
        <Route path="runs/:runId" element={<RunRoute />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function AppLayout() {
  // An image page belongs to the images section of the nav.
  const onImagePage = useMatch('/images/:image') !== null;
  return (
    <>
      <header className="app-header">
        <h1>
          <Link to={paths.overview}>Slipway — build ledger</Link>
        </h1>
        <nav aria-label="Main">
          <NavLink to={paths.overview} end className={({ isActive }) => (isActive || onImagePage ? 'active' : '')}>
            Images
          </NavLink>
          <NavLink to={paths.runs}>CI runs</NavLink>
        </nav>
      </header>
      <main className="app-main">
        <Outlet />
      </main>
    </>
  );
}

function ImageRoute() {
  // The router hands back the decoded name, slashes included.
  const { image } = useParams();
  if (!image) return <NotFoundPage />;
  return <ImagePage key={image} image={image} />;
}

function RunRoute() {
  const { runId } = useParams();
  if (!runId) return <NotFoundPage />;
  return <RunPage key={runId} runId={runId} />;
}
