/** The store contracts (test/contract/) against the memory fakes of src/store/memory/. */
import { memoryRegionStores } from '../../../src/store/memory/index.js';
import { describeRegionStores } from '../../contract/index.js';

describeRegionStores(() => memoryRegionStores('eu'));
