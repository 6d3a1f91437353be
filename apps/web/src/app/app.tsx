export function App() {
  return <h1>Slipway</h1>;
}
