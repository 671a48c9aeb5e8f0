import type { LibraryModel } from '../concepts';
import { aiohttp } from './aiohttp';
import { archives } from './archives';
import { databases } from './databases';
import { django } from './django';
import { fastapi } from './fastapi';
import { flask } from './flask';
import { httpClients } from './httpClients';
import { openstack } from './openstack';
import { pillow } from './pillow';
import { pyramid } from './pyramid';
import { queries } from './queries';
import { randomness } from './randomness';
import { serialization } from './serialization';
import { stdlib } from './stdlib';
import { templates } from './templates';
import { tornado } from './tornado';
import { wsgi } from './wsgi';
import { generic } from './generic';

/** Every framework and library Vigil knows, one file each. Add a model here to teach the flow layer a library. */
export const LIBRARY_MODELS: readonly LibraryModel[] = [
  stdlib, flask, django, fastapi, aiohttp, tornado, pyramid, wsgi, openstack, httpClients, databases, templates, queries, serialization, pillow, archives, randomness, generic,
];
