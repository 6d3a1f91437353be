import { Link, Outlet, Route, Routes, useParams } from 'react-router';
import { ImageBuildsPage } from '../features/builds/components/image-builds-page';
import { ImagesPage } from '../features/images/components/images-page';
import { NotFoundPage } from './not-found-page';
import { paths } from './paths';

/** The routes; main.tsx supplies the browser router, tests a memory router. */
export function App() {
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<ImagesPage />} />
        <Route path="images/:image" element={<ImageRoute />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function AppLayout() {
  return (
    <>
      <header className="app-header">
        <h1>
          <Link to={paths.overview}>Slipway — build ledger</Link>
        </h1>
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
  return <ImageBuildsPage key={image} image={image} />;
}
