// Connections to the Redis setups teams run, from the UI: the URL is checked as it is typed
// (a bad one says why and cannot be tested), rediss:// asks for a CA file and redis+sentinel://
// for a Sentinel password; Test connection says what it reached — a TLS server with a self-
// signed CA, a cluster of 3 masters through one node (with a warning for a prefix without a
// hash tag); switched to, the badge shows the cluster. Saves the form's screenshots at both sizes.
import { expect, test } from './fixtures/web-host';
import { hostPerFile } from './fixtures/flow-pages';
import { startTestCluster, startTestTls, type TestCluster, type TestTls } from '../helpers/topologies';

const host = hostPerFile();
let cluster: TestCluster;
let tls: TestTls;
test.beforeAll(async () => {
  [cluster, tls] = await Promise.all([startTestCluster({ masters: 3 }), startTestTls()]);
});
test.afterAll(async () => {
  await Promise.all([cluster?.stop(), tls?.stop()]);
});

test('the connection form takes TLS, Sentinel and Cluster URLs, tests them and shows the topology', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(host().openUrl);
  await page.getByRole('button', { name: 'Connections' }).click();
  const picker = page.getByTestId('connection-picker');
  await picker.getByRole('button', { name: '+ Add connection' }).click();
  const form = picker.getByTestId('connection-form');
  const url = form.getByLabel('Redis URL');
  const testButton = form.getByRole('button', { name: 'Test connection' });

  await url.fill('redis://a:1,b:2');
  await expect(form.getByTestId('url-problem')).toHaveText('Several hosts need redis+cluster:// or redis+sentinel://, not redis://');
  await expect(testButton).toBeDisabled();

  await url.fill('redis+sentinel://127.0.0.1:26379/mymaster');
  await expect(form.getByTestId('url-problem')).toHaveCount(0);
  await expect(form.getByLabel('Sentinel password')).toBeVisible();
  await expect(form.getByLabel('TLS CA file')).toHaveCount(0);

  // TLS with a self-signed CA: refused without the CA file, connected with it.
  await url.fill(tls.url);
  await expect(form.getByLabel('Sentinel password')).toHaveCount(0);
  await testButton.click();
  await expect(form.getByTestId('connection-test')).toHaveAttribute('data-ok', 'false');
  await expect(form.getByTestId('connection-test')).toContainText(/certificate/i);
  await form.getByLabel('TLS CA file').fill(tls.caFile);
  await testButton.click();
  await expect(form.getByTestId('connection-test')).toHaveAttribute('data-ok', 'true');
  await expect(form.getByTestId('connection-test')).toContainText(`standalone 127.0.0.1:${tls.port}`);
  await page.screenshot({ path: 'docs/screenshots/connection-form-tls.png' });
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.screenshot({ path: 'docs/screenshots/connection-form-tls-1024.png' });
  await page.setViewportSize({ width: 1440, height: 900 });

  // A cluster through one node: detected, and a prefix without a hash tag is warned of.
  await url.fill(cluster.url(1));
  await form.getByLabel('Prefix').fill('bull');
  await testButton.click();
  await expect(form.getByTestId('connection-test')).toContainText('cluster of 3 masters');
  await expect(form.getByTestId('connection-warning')).toContainText('has no hash tag');
  await form.getByLabel('Prefix').fill('{bull}');
  await testButton.click();
  await expect(form.getByTestId('connection-test')).toContainText('cluster of 3 masters');
  await expect(form.getByTestId('connection-warning')).toHaveCount(0);
  await form.getByLabel('Name').fill('Cluster');
  await form.getByRole('button', { name: 'Save' }).click();

  const row = picker.getByTestId('connection-row').filter({ hasText: 'Cluster' });
  await row.getByRole('button', { name: 'Use' }).click();
  await expect(page.getByTestId('connection-state')).toHaveText('connected');
  await expect(page.getByTestId('connection-topology')).toHaveText('cluster · 3 masters');
});
