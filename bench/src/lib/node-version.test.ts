import { requireWorkspaceNode } from './node-version';

describe('requireWorkspaceNode', () => {
  it.each([
    ['v24.22.3', '24\n', undefined],
    ['v20.20.2', '24\n', /Node 24 \(\.nvmrc\), not v20\.20\.2: run eval "\$\(bash tools\/node\/use\.sh\)"/],
    ['v240.1.0', '24', /not v240\.1\.0/],
    ['v24.1.0', 'lts/*', /\.nvmrc should hold a Node major/],
  ])('Node %s against .nvmrc %j', (version, nvmrc, error) => {
    const check = () => requireWorkspaceNode(version, nvmrc);
    if (error) expect(check).toThrow(error);
    else expect(check).not.toThrow();
  });
});
