/** The baseline of the synth benchmark: a cdktf app with one null_resource. */
import { App, TerraformStack } from 'cdktf';
import { NullProvider } from '@cdktf/provider-null/lib/provider';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';

const app = new App();
const stack = new TerraformStack(app, 'bare');
new NullProvider(stack, 'null', {});
new NullResource(stack, 'nothing', {});
app.synth();
