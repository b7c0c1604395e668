// No test may reach a real host: nock rejects every connection that it does not intercept,
// except those to this machine's loopback address, where tests start their own servers.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

afterEach(() => {
	nock.abortPendingRequests();
	nock.cleanAll();
});
